#include "ir/onnx_import.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ir/onnx_convert.h"
#include "ir/tensor_proto.h"
#include "ramiel/error.h"
#include "support/onnx_builder.h"

namespace ramiel::ir {
namespace {

using namespace ramiel::testing;

/// Expects `fn` to throw a ramiel::Error of `kind` whose one-line message contains `text`.
template <typename Fn>
void expect_error(Fn fn, ErrorKind kind, const std::string& text) {
  try {
    fn();
    ADD_FAILURE() << "expected an error containing '" << text << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "message must be one line";
  }
}

onnx::ModelProto relu_add_model() {
  auto m = empty_model();
  add_float_info(m.mutable_graph()->mutable_input(), "x", {1, 4});
  add_float_info(m.mutable_graph()->mutable_output(), "z", {1, 4});
  auto* w = m.mutable_graph()->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(4);
  for (float v : {1.f, 2.f, 3.f, 4.f}) w->add_float_data(v);
  add_node(m, "Relu", {"x"}, {"y"}, "relu");
  add_node(m, "Add", {"y", "w"}, {"z"}, "add");
  return m;
}

TEST(OnnxImport, BuildsGraphWithShapesAndConstants) {
  Graph g = import_onnx_bytes(bytes_of(relu_add_model()));
  EXPECT_EQ(g.live_node_count(), 2u);
  ASSERT_EQ(g.inputs().size(), 1u);
  EXPECT_EQ(g.value(g.inputs()[0]).name, "x");
  const Value& y = g.value(g.find_value("y"));
  ASSERT_TRUE(y.shape.has_value()) << "shape inference should type the intermediate value";
  EXPECT_EQ(*y.shape, (Dims{1, 4}));
  EXPECT_EQ(y.dtype, DataType::kFloat32);
  const Value& w = g.value(g.find_value("w"));
  ASSERT_TRUE(w.constant.has_value());
  EXPECT_EQ(w.constant->values<float>()[3], 4.0f);
  EXPECT_EQ(g.opsets.at(""), 13);
}

TEST(OnnxImport, NodesOutOfOrderAreSorted) {
  auto m = relu_add_model();
  m.mutable_graph()->mutable_node()->SwapElements(0, 1);
  Graph g = import_onnx_bytes(bytes_of(m));
  EXPECT_EQ(g.node(g.topological_order()[0]).op_type, "Relu");
}

TEST(OnnxImport, EveryAttributeTypeAndConstantNode) {
  auto m = empty_model();
  add_float_info(m.mutable_graph()->mutable_output(), "c", {2});
  auto* n = add_node(m, "Constant", {}, {"c"}, "const");
  auto* a = n->add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  a->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
  a->mutable_t()->add_dims(2);
  a->mutable_t()->add_float_data(1.5f);
  a->mutable_t()->add_float_data(-2.5f);
  Graph g = import_onnx_bytes(bytes_of(m));
  const Node& c = g.node(0);
  EXPECT_EQ(c.op_type, "Constant");
  ASSERT_NE(c.attribute("value"), nullptr);
  EXPECT_EQ(c.attribute("value")->t.values<float>()[1], -2.5f);

  onnx::AttributeProto ints;
  ints.set_name("pads");
  ints.set_type(onnx::AttributeProto::INTS);
  ints.add_ints(1);
  ints.add_ints(2);
  Attribute ai = attribute_from_proto(ints);
  EXPECT_EQ(ai.ints, (std::vector<int64_t>{1, 2}));
  onnx::AttributeProto strs;
  strs.set_type(onnx::AttributeProto::STRINGS);
  strs.add_strings("a");
  EXPECT_EQ(attribute_from_proto(strs).strings, std::vector<std::string>{"a"});
  onnx::AttributeProto f;
  f.set_type(onnx::AttributeProto::FLOATS);
  f.add_floats(0.5f);
  EXPECT_EQ(attribute_from_proto(f).floats, std::vector<float>{0.5f});
}

TEST(OnnxImport, SubgraphNodeIsOpaque) {
  auto m = empty_model();
  auto* g = m.mutable_graph();
  auto* cond = g->mutable_input()->Add();
  cond->set_name("cond");
  cond->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::BOOL);
  cond->mutable_type()->mutable_tensor_type()->mutable_shape();
  add_float_info(g->mutable_output(), "out", {1});
  auto* node = add_node(m, "If", {"cond"}, {"out"}, "if");
  for (const char* branch : {"then_branch", "else_branch"}) {
    auto* attr = node->add_attribute();
    attr->set_name(branch);
    attr->set_type(onnx::AttributeProto::GRAPH);
    auto* sub = attr->mutable_g();
    sub->set_name(branch);
    auto* cn = sub->add_node();
    cn->set_op_type("Constant");
    cn->add_output(std::string(branch) + "_c");
    auto* v = cn->add_attribute();
    v->set_name("value");
    v->set_type(onnx::AttributeProto::TENSOR);
    v->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
    v->mutable_t()->add_dims(1);
    v->mutable_t()->add_float_data(1.0f);
    add_float_info(sub->mutable_output(), std::string(branch) + "_c", {1});
  }
  Graph graph = import_onnx_bytes(bytes_of(m));
  ASSERT_EQ(graph.live_node_count(), 1u);
  EXPECT_TRUE(graph.node(0).has_subgraph);
  EXPECT_EQ(graph.node(0).attribute("then_branch")->graph_count, 1);
}

TEST(OnnxImport, MissingFile) {
  expect_error([] { import_onnx_file("/nonexistent/model.onnx"); }, ErrorKind::kIo, "does not exist");
}

TEST(OnnxImport, EmptyAndGarbageAndTruncatedFiles) {
  expect_error([] { import_onnx_bytes(""); }, ErrorKind::kInvalidModel, "empty");
  expect_error([] { import_onnx_bytes("this is plainly not a protobuf \xff\xff\xff"); }, ErrorKind::kInvalidModel, "not an ONNX model");
  std::string bytes = bytes_of(relu_add_model());
  expect_error([&] { import_onnx_bytes(bytes.substr(0, bytes.size() / 2)); }, ErrorKind::kInvalidModel, "not an ONNX model");
  // A valid protobuf that is not a ModelProto (a TensorProto) has no graph.
  onnx::TensorProto t;
  t.set_name("x");
  t.set_data_type(1);
  expect_error([&] { import_onnx_bytes(t.SerializeAsString()); }, ErrorKind::kInvalidModel, "not an ONNX model");
}

TEST(OnnxImport, CheckerRejection) {
  auto m = relu_add_model();
  m.mutable_graph()->mutable_node(0)->set_op_type("NoSuchOperator");
  expect_error([&] { import_onnx_bytes(bytes_of(m)); }, ErrorKind::kInvalidModel, "checker");
}

TEST(OnnxImport, Cycle) {
  auto m = empty_model();
  add_float_info(m.mutable_graph()->mutable_input(), "x", {1});
  add_float_info(m.mutable_graph()->mutable_output(), "b", {1});
  add_node(m, "Add", {"x", "b"}, {"a"}, "first");
  add_node(m, "Relu", {"a"}, {"b"}, "second");
  expect_error([&] { import_onnx_bytes(bytes_of(m)); }, ErrorKind::kInvalidModel, "cycle");
}

TEST(OnnxImport, DanglingInput) {
  auto m = relu_add_model();
  m.mutable_graph()->mutable_node(1)->set_input(1, "ghost");
  expect_error([&] { import_onnx_bytes(bytes_of(m)); }, ErrorKind::kInvalidModel, "'ghost'");
}

TEST(OnnxImport, DuplicateProducer) {
  auto m = relu_add_model();
  add_node(m, "Relu", {"x"}, {"y"}, "again");
  expect_error([&] { import_onnx_bytes(bytes_of(m)); }, ErrorKind::kInvalidModel, "more than once");
}

TEST(OnnxImport, FileRoundTripThroughExport) {
  auto dir = std::filesystem::temp_directory_path() / "ramiel_import_test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "m.onnx").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << bytes_of(relu_add_model());
  }
  Graph g = import_onnx_file(path);
  std::string again = (dir / "again.onnx").string();
  export_onnx_file(g, again);
  Graph h = import_onnx_file(again);
  EXPECT_EQ(h.live_node_count(), 2u);
  EXPECT_EQ(h.value(h.find_value("w")).constant->values<float>()[2], 3.0f);
  expect_error([&] { import_onnx_file(dir.string()); }, ErrorKind::kIo, "directory");
  std::filesystem::remove_all(dir);
}

TEST(TensorProtoFile, RoundTripAndErrors) {
  auto path = (std::filesystem::temp_directory_path() / "ramiel_tensor.pb").string();
  Tensor t = Tensor::from<int64_t>(DataType::kInt64, {2, 2}, {1, -2, 3, -4});
  save_tensor_file(path, "ids", t);
  NamedTensor back = load_tensor_file(path);
  EXPECT_EQ(back.name, "ids");
  EXPECT_EQ(back.tensor.dims(), (Dims{2, 2}));
  EXPECT_EQ(back.tensor.values<int64_t>()[3], -4);
  std::filesystem::remove(path);
  expect_error([] { load_tensor_file("/nonexistent.pb"); }, ErrorKind::kIo, "cannot open");
  onnx::TensorProto bad;
  bad.set_data_type(1);
  bad.add_dims(3);
  bad.add_float_data(1.0f);  // 1 value for 3 elements
  expect_error([&] { tensor_from_proto(bad); }, ErrorKind::kInvalidModel, "values");
}

}  // namespace
}  // namespace ramiel::ir
