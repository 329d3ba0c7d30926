// Session: end-to-end runs against kernel-by-kernel references, input validation, the
// unsupported-operator error, constant evaluation, views, layouts and memory reuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "ramiel/error.h"
#include "runtime/constant_folding.h"
#include "runtime/kernels/conv_winograd.h"
#include "runtime/kernels/cpu_features.h"
#include "runtime/kernels/kernel_util.h"
#include "runtime/layout.h"
#include "runtime/session.h"
#include "support/model_builder.h"

namespace ramiel::runtime {
namespace {

using testing::ModelBuilder;
using testing::ints;
using testing::integer;
using testing::random_tensor;


void expect_near(const ir::Tensor& a, const ir::Tensor& b, float tol = 1e-4f) {
  ASSERT_EQ(a.dims(), b.dims());
  for (int64_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a.data<float>()[i], b.data<float>()[i], tol) << "element " << i;
}

// A small CNN: conv -> relu -> conv -> add (residual) -> maxpool -> concat with a branch ->
// global average pool -> flatten -> gemm, plus the first conv's output as a second graph output.
ModelBuilder small_cnn(std::mt19937& rng) {
  ModelBuilder m;
  ir::ValueId x = m.input("x", {1, 3, 16, 16});
  ir::ValueId w1 = m.constant("w1", random_tensor({8, 3, 3, 3}, rng));
  ir::ValueId b1 = m.constant("b1", random_tensor({8}, rng));
  ir::ValueId c1 = m.node("Conv", {x, w1, b1}, {{"pads", ints({1, 1, 1, 1})}}, "conv1");
  ir::ValueId r1 = m.node("Relu", {c1});
  ir::ValueId w2 = m.constant("w2", random_tensor({8, 8, 3, 3}, rng));
  ir::ValueId c2 = m.node("Conv", {r1, w2}, {{"pads", ints({1, 1, 1, 1})}}, "conv2");
  ir::ValueId sum = m.node("Add", {c2, r1});
  ir::ValueId p = m.node("MaxPool", {sum}, {{"kernel_shape", ints({2, 2})}, {"strides", ints({2, 2})}});
  ir::ValueId w3 = m.constant("w3", random_tensor({4, 8, 1, 1}, rng));
  ir::ValueId c3 = m.node("Conv", {p, w3}, {}, "conv3");
  ir::ValueId cat = m.node("Concat", {p, c3}, {{"axis", integer(1)}});
  ir::ValueId gap = m.node("GlobalAveragePool", {cat});
  ir::ValueId flat = m.node("Flatten", {gap});
  ir::ValueId wf = m.constant("wf", random_tensor({5, 12}, rng));
  ir::ValueId y = m.node("Gemm", {flat, wf}, {{"transB", integer(1)}});
  m.output(y);
  m.output(c1);
  return m;
}

// Runs every node of `g` one at a time with fresh plain tensors: the reference.
std::vector<ir::Tensor> run_node_by_node(const ir::Graph& g, const std::vector<ir::Tensor>& inputs) {
  std::map<ir::ValueId, ir::Tensor> values;
  for (size_t i = 0; i < g.inputs().size(); ++i) values[g.inputs()[i]] = inputs[i];
  for (const ir::Value& v : g.values())
    if (v.constant) values[v.id] = *v.constant;
  for (ir::NodeId n : g.topological_order()) {
    const ir::Node& node = g.node(n);
    std::vector<ir::Tensor> in;
    for (ir::ValueId v : node.inputs) in.push_back(v == ir::kNone ? ir::Tensor() : values.at(v));
    std::vector<ir::Tensor> out = evaluate_node(node, in, 13);
    for (size_t i = 0; i < node.outputs.size(); ++i) values[node.outputs[i]] = out[i];
  }
  std::vector<ir::Tensor> outs;
  for (ir::ValueId v : g.outputs()) outs.push_back(values.at(v));
  return outs;
}

TEST(Session, MatchesNodeByNodeInBothLayouts) {
  std::mt19937 rng(1);
  ModelBuilder m = small_cnn(rng);
  ir::Tensor x = random_tensor({1, 3, 16, 16}, rng);
  std::vector<ir::Tensor> want = run_node_by_node(m.g, {x});
  for (Layout layout : {Layout::kNhwc, Layout::kNChw8c, Layout::kNChw16c, Layout::kPlain}) {
    SCOPED_TRACE(std::string(to_string(layout)));
    SessionOptions o;
    o.activation_layout = layout;
    Session s(m.g, o);
    std::vector<ir::Tensor> got = s.run(std::vector<ir::Tensor>{x});
    ASSERT_EQ(got.size(), 2u);
    expect_near(got[0], want[0]);
    expect_near(got[1], want[1]);
    if (layout == Layout::kNhwc) {
      EXPECT_GT(s.stats().layout_slots, 0u);
      // conv1's output is a graph output (plain) and feeds relu (activation layout): one conversion.
      EXPECT_EQ(s.stats().conversions, 1u);
    } else if (layout == Layout::kNChw8c) {
      EXPECT_GT(s.stats().layout_slots, 0u);
      // Also: conv3 has 4 channels (not a whole block), so it and the Concat after it are plain.
      EXPECT_EQ(s.stats().conversions, 2u);
    } else if (layout == Layout::kPlain) {
      EXPECT_EQ(s.stats().layout_slots, 0u);
      EXPECT_EQ(s.stats().conversions, 0u);
    }
  }
}

TEST(Session, RepeatedRunsAndOutputsOutliveTheNextRun) {
  std::mt19937 rng(2);
  ModelBuilder m = small_cnn(rng);
  Session s(m.g);
  ir::Tensor x1 = random_tensor({1, 3, 16, 16}, rng), x2 = random_tensor({1, 3, 16, 16}, rng);
  std::vector<ir::Tensor> a = s.run(std::vector<ir::Tensor>{x1});
  ir::Tensor a0 = a[0].clone();
  std::vector<ir::Tensor> b = s.run(std::vector<ir::Tensor>{x2});
  expect_near(a[0], a0, 0.0f);  // not overwritten by the second run
  std::vector<ir::Tensor> c = s.run(std::vector<ir::Tensor>{x1});
  expect_near(c[0], a0, 0.0f);  // deterministic
}

TEST(Session, MemoryIsReused) {
  std::mt19937 rng(3);
  ModelBuilder m;
  ir::ValueId v = m.input("x", {1, 64, 32, 32});
  for (int i = 0; i < 10; ++i) v = m.node("Relu", {v});
  m.output(v);
  Session s(m.g);
  // Input + 10 activations of 256 KiB; a chain needs about three live at once.
  EXPECT_LE(s.stats().arena_bytes, 3u * 256 * 1024);
  EXPECT_EQ(s.stats().unshared_bytes, 11u * 256 * 1024);
  ir::Tensor x = random_tensor({1, 64, 32, 32}, rng);
  ir::Tensor y = s.run(std::vector<ir::Tensor>{x})[0];
  for (int64_t i = 0; i < x.size(); ++i) ASSERT_EQ(y.data<float>()[i], std::max(0.0f, x.data<float>()[i]));
}

TEST(Session, InputValidation) {
  std::mt19937 rng(4);
  ModelBuilder m = small_cnn(rng);
  Session s(m.g);
  ASSERT_EQ(s.inputs().size(), 1u);
  EXPECT_EQ(s.inputs()[0].name, "x");
  EXPECT_EQ(s.inputs()[0].dims, (ir::Dims{1, 3, 16, 16}));
  auto message = [&](auto&& f) -> std::string {
    try {
      f();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
      std::string msg = e.what();
      EXPECT_EQ(msg.find('\n'), std::string::npos);
      return msg;
    }
    ADD_FAILURE() << "no error";
    return "";
  };
  std::string wrong_dims = message([&] { s.run(std::vector<ir::Tensor>{ir::Tensor(ir::DataType::kFloat32, {1, 3, 16, 15})}); });
  EXPECT_NE(wrong_dims.find("'x'"), std::string::npos) << wrong_dims;
  EXPECT_NE(wrong_dims.find("[1,3,16,15]"), std::string::npos) << wrong_dims;
  EXPECT_NE(wrong_dims.find("[1,3,16,16]"), std::string::npos) << wrong_dims;
  std::string wrong_type = message([&] { s.run(std::vector<ir::Tensor>{ir::Tensor(ir::DataType::kInt64, {1, 3, 16, 16})}); });
  EXPECT_NE(wrong_type.find("int64"), std::string::npos) << wrong_type;
  std::string wrong_count = message([&] { s.run(std::vector<ir::Tensor>{}); });
  EXPECT_NE(wrong_count.find("1 inputs"), std::string::npos) << wrong_count;
  std::string unknown = message([&] { s.run(std::map<std::string, ir::Tensor>{{"x", random_tensor({1, 3, 16, 16}, rng)}, {"z", ir::Tensor()}}); });
  EXPECT_NE(unknown.find("'z'"), std::string::npos) << unknown;
  std::string missing = message([&] { s.run(std::map<std::string, ir::Tensor>{}); });
  EXPECT_NE(missing.find("missing input 'x'"), std::string::npos) << missing;
  // By name works.
  EXPECT_EQ(s.run(std::map<std::string, ir::Tensor>{{"x", random_tensor({1, 3, 16, 16}, rng)}}).size(), 2u);
}

TEST(Session, UnsupportedOperatorsListedInOneError) {
  ModelBuilder m;
  ir::ValueId x = m.input("x", {2, 3});
  ir::ValueId a = m.node("FancyOp", {x});
  ir::ValueId b = m.node("FancyOp", {a});
  ir::ValueId c = m.node("Relu", {b});
  ir::ValueId d = m.node("OtherOp", {c});
  m.output(d);
  try {
    Session s(m.g);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
    std::string msg = e.what();
    EXPECT_NE(msg.find("FancyOp (2)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("OtherOp (1)"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("Relu"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
  EXPECT_EQ(unsupported_operators(m.g), "FancyOp (2), OtherOp (1)");
}

TEST(Session, ConstantSubgraphsAreEvaluatedOnce) {
  std::mt19937 rng(5);
  ModelBuilder m;
  ir::ValueId x = m.input("x", {2, 4});
  ir::ValueId a = m.constant("a", ir::Tensor::from(ir::DataType::kFloat32, {4}, std::vector<float>{1, 2, 3, 4}));
  ir::ValueId b = m.constant("b", ir::Tensor::from(ir::DataType::kFloat32, {4}, std::vector<float>{10, 20, 30, 40}));
  ir::ValueId ab = m.node("Add", {a, b});     // constant
  ir::ValueId ab2 = m.node("Mul", {ab, ab});  // constant
  ir::ValueId y = m.node("Mul", {x, ab2});
  m.output(y);
  m.output(ab);  // a folded value as a graph output
  Session s(m.g);
  EXPECT_EQ(s.stats().folded_nodes, 2u);
  EXPECT_EQ(s.stats().kernels, 1u);
  ir::Tensor xt = random_tensor({2, 4}, rng);
  auto out = s.run(std::vector<ir::Tensor>{xt});
  const float k[4] = {121, 484, 1089, 1936};
  for (int64_t i = 0; i < 8; ++i) EXPECT_FLOAT_EQ(out[0].data<float>()[i], xt.data<float>()[i] * k[i % 4]);
  EXPECT_EQ(out[1].dims(), (ir::Dims{4}));
  EXPECT_FLOAT_EQ(out[1].data<float>()[3], 44.0f);

  SessionOptions no_fold;
  no_fold.fold_constants = false;
  Session s2(m.g, no_fold);
  EXPECT_EQ(s2.stats().folded_nodes, 0u);
  EXPECT_EQ(s2.stats().kernels, 3u);
  expect_near(s2.run(std::vector<ir::Tensor>{xt})[0], out[0], 0.0f);
}

TEST(Session, EvaluateNodeUsesTheKernels) {
  ir::Node n;
  n.name = "add";
  n.op_type = "Add";
  n.outputs = {0};
  auto out = evaluate_node(n, std::vector<ir::Tensor>{ir::Tensor::from(ir::DataType::kFloat32, {2}, std::vector<float>{1, 2}),
                                                      ir::Tensor::from(ir::DataType::kFloat32, {1}, std::vector<float>{3})},
                           13);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FLOAT_EQ(out[0].data<float>()[1], 5.0f);
  n.op_type = "NoSuchOp";
  EXPECT_THROW(evaluate_node(n, {}, 13), Error);
  ir::Node random;
  random.op_type = "RandomNormal";
  EXPECT_FALSE(is_foldable(random));
}

TEST(Session, ViewsAliasWithoutRunning) {
  std::mt19937 rng(6);
  ModelBuilder m;
  ir::ValueId x = m.input("x", {2, 3, 4});
  ir::ValueId r = m.node("Relu", {x});
  ir::ValueId shape = m.constant("shape", ir::Tensor::from(ir::DataType::kInt64, {2}, std::vector<int64_t>{6, 4}));
  ir::ValueId v = m.node("Reshape", {r, shape});
  ir::ValueId y = m.node("Neg", {v});
  m.output(y);
  m.output(v);
  Session s(m.g);
  EXPECT_EQ(s.stats().views, 1u);
  EXPECT_EQ(s.stats().kernels, 2u);
  ir::Tensor xt = random_tensor({2, 3, 4}, rng);
  auto out = s.run(std::vector<ir::Tensor>{xt});
  EXPECT_EQ(out[0].dims(), (ir::Dims{6, 4}));
  for (int64_t i = 0; i < 24; ++i) {
    EXPECT_EQ(out[1].data<float>()[i], std::max(0.0f, xt.data<float>()[i]));
    EXPECT_EQ(out[0].data<float>()[i], -std::max(0.0f, xt.data<float>()[i]));
  }
}

TEST(Session, SymbolicInputDims) {
  ModelBuilder m;
  ir::ValueId x = m.input("x", {-1, 4});
  m.output(m.node("Relu", {x}));
  try {
    Session s(m.g);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos);
  }
  SessionOptions o;
  o.input_dims["x"] = {3, 4};
  Session s(m.g, o);
  EXPECT_EQ(s.inputs()[0].dims, (ir::Dims{3, 4}));
  EXPECT_EQ(s.outputs()[0].dims, (ir::Dims{3, 4}));
  o.input_dims["x"] = {3, 5};
  EXPECT_THROW(Session(m.g, o), Error);
}

TEST(Session, KernelErrorsNameTheNode) {
  std::mt19937 rng(7);
  ModelBuilder m;
  ir::ValueId x = m.input("x", {1, 3, 8, 8});
  ir::ValueId w = m.constant("w", random_tensor({4, 5, 3, 3}, rng));  // 5 input channels: wrong
  m.output(m.node("Conv", {x, w}, {}, "bad_conv"));
  try {
    Session s(m.g);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidModel);
    EXPECT_NE(std::string(e.what()).find("bad_conv"), std::string::npos) << e.what();
  }
}

TEST(Session, PermutedOpsOnNhwcData) {
  // Concat on channels, Pad with pads input, Split and a broadcast Mul by a [1,C,1,1] constant,
  // all between convolutions, must give the plain-layout result.
  std::mt19937 rng(8);
  ModelBuilder m;
  ir::ValueId x = m.input("x", {1, 6, 9, 9});
  ir::ValueId c1 = m.node("Conv", {x, m.constant("w1", random_tensor({8, 6, 3, 3}, rng))}, {}, "c1");
  ir::ValueId c2 = m.node("Conv", {x, m.constant("w2", random_tensor({8, 6, 3, 3}, rng))}, {}, "c2");
  ir::ValueId cat = m.node("Concat", {c1, c2}, {{"axis", integer(-3)}});
  ir::ValueId scale = m.node("Mul", {cat, m.constant("s", random_tensor({1, 16, 1, 1}, rng))});
  ir::ValueId pads = m.constant("pads", ir::Tensor::from(ir::DataType::kInt64, {8}, std::vector<int64_t>{0, 0, 1, 2, 0, 0, 2, 1}));
  ir::ValueId padded = m.node("Pad", {scale, pads});
  ir::ValueId pool = m.node("AveragePool", {padded}, {{"kernel_shape", ints({3, 3})}});
  ir::ValueId c3 = m.node("Conv", {pool, m.constant("w3", random_tensor({4, 16, 1, 1}, rng))}, {}, "c3");
  m.output(c3);
  m.output(padded);
  ir::Tensor xt = random_tensor({1, 6, 9, 9}, rng);
  std::vector<ir::Tensor> want = run_node_by_node(m.g, {xt});
  for (Layout layout : {Layout::kNhwc, Layout::kNChw8c}) {
    SCOPED_TRACE(std::string(to_string(layout)));
    SessionOptions o;
    o.activation_layout = layout;
    Session s(m.g, o);
    EXPECT_GE(s.stats().layout_slots, 5u);
    if (layout == Layout::kNhwc) {
      // x converted once (shared by c1 and c2), c3's and `padded`'s outputs back to plain (graph outputs).
      EXPECT_EQ(s.stats().conversions, 3u);
      EXPECT_EQ(s.program().prologue.size(), 1u);
    } else {
      // x (6 channels) and c3 (4) are not whole 8-channel blocks and stay plain: only `padded` converts.
      EXPECT_EQ(s.stats().conversions, 1u);
      EXPECT_EQ(s.program().prologue.size(), 0u);
    }
    auto got = s.run(std::vector<ir::Tensor>{xt});
    expect_near(got[0], want[0]);
    expect_near(got[1], want[1]);
  }
}

TEST(Session, ElementTypesFlowThroughBuffers) {
  // float16 in, computed as float, float16 out; int64, int32, int8, uint8 and bool pass through
  // arena buffers of their own sizes.
  ModelBuilder m;
  ir::ValueId h = m.input("h", {2, 3}, ir::DataType::kFloat16);
  ir::ValueId f = m.node("Cast", {h}, {{"to", integer(1)}});
  ir::ValueId r = m.node("Relu", {f});
  m.output(m.node("Cast", {r}, {{"to", integer(10)}}));
  ir::ValueId i64 = m.input("i64", {4}, ir::DataType::kInt64);
  m.output(m.node("Cast", {i64}, {{"to", integer(6)}}));
  ir::ValueId b = m.input("b", {3}, ir::DataType::kBool);
  m.output(m.node("Not", {b}));
  ir::ValueId i8 = m.input("i8", {2}, ir::DataType::kInt8);
  m.output(m.node("Identity", {i8}));
  ir::ValueId u8 = m.input("u8", {2}, ir::DataType::kUint8);
  m.output(m.node("Neg", {m.node("Cast", {u8}, {{"to", integer(1)}})}));
  Session s(m.g);

  ir::Tensor ht(ir::DataType::kFloat16, {2, 3});
  const float hv[6] = {-1.5f, 0.25f, 2.0f, -0.0f, 65504.0f, 3.140625f};
  for (int i = 0; i < 6; ++i) ht.data<uint16_t>()[i] = float_to_half(hv[i]);
  auto out = s.run(std::vector<ir::Tensor>{
      ht, ir::Tensor::from(ir::DataType::kInt64, {4}, std::vector<int64_t>{-3, 0, 7, 1LL << 20}),
      ir::Tensor::from(ir::DataType::kBool, {3}, std::vector<uint8_t>{1, 0, 1}),
      ir::Tensor::from(ir::DataType::kInt8, {2}, std::vector<int8_t>{-128, 127}),
      ir::Tensor::from(ir::DataType::kUint8, {2}, std::vector<uint8_t>{0, 255})});
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].dtype(), ir::DataType::kFloat16);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(half_to_float(out[0].data<uint16_t>()[i]), std::max(0.0f, hv[i])) << i;
  EXPECT_EQ(out[1].dtype(), ir::DataType::kInt32);
  EXPECT_EQ(out[1].data<int32_t>()[3], 1 << 20);
  EXPECT_EQ(out[1].data<int32_t>()[0], -3);
  EXPECT_EQ(out[2].dtype(), ir::DataType::kBool);
  EXPECT_EQ(out[2].data<uint8_t>()[1], 1);
  EXPECT_EQ(out[3].data<int8_t>()[0], -128);
  EXPECT_EQ(out[4].data<float>()[1], -255.0f);
}

}  // namespace
}  // namespace ramiel::runtime

namespace ramiel::runtime {
namespace {

// Conv -> Relu, Conv -> Clip(0, 6) and a Conv whose output is also a graph output (not fused).
TEST(SessionFusion, ReluAndClipFuseIntoTheirConvWithTheSameResult) {
  std::mt19937 rng(11);
  ModelBuilder m;
  ir::ValueId x = m.input("x", {1, 8, 10, 10});
  auto conv = [&](ir::ValueId in, const std::string& name) {
    return m.node("Conv", {in, m.constant(name + "_w", random_tensor({16, in == x ? 8 : 16, 3, 3}, rng))},
                  {{"kernel_shape", ints({3, 3})}, {"pads", ints({1, 1, 1, 1})}}, name);
  };
  ir::ValueId r = m.node("Relu", {conv(x, "c1")}, {}, "relu");
  ir::Tensor lo(ir::DataType::kFloat32, {}), hi(ir::DataType::kFloat32, {});
  lo.data<float>()[0] = 0.0f;
  hi.data<float>()[0] = 0.5f;
  ir::ValueId c = m.node("Clip", {conv(r, "c2"), m.constant("lo", lo), m.constant("hi", hi)}, {}, "clip");
  ir::ValueId c3 = conv(c, "c3");
  ir::ValueId r3 = m.node("Relu", {c3}, {}, "relu3");
  m.output(r3);
  m.output(c3);  // c3 is read twice (a graph output too): its Relu stays a kernel
  ir::Tensor input = random_tensor({1, 8, 10, 10}, rng);
  SessionOptions unfused_options;
  unfused_options.fuse_activations = false;
  Session fused(m.g), unfused(m.g, unfused_options);
  EXPECT_EQ(fused.stats().fused_activations, 2u);
  EXPECT_EQ(unfused.stats().fused_activations, 0u);
  std::vector<ir::Tensor> a = fused.run(std::vector<ir::Tensor>{input}), b = unfused.run(std::vector<ir::Tensor>{input});
  ASSERT_EQ(a.size(), 2u);
  for (size_t o = 0; o < 2; ++o) expect_near(a[o], b[o], 1e-4f);
  float largest = 0;
  for (int64_t i = 0; i < a[0].size(); ++i) largest = std::max(largest, a[0].data<float>()[i]);
  EXPECT_GT(largest, 0.0f);
}

// x[1,6,8] x W[8,40] + bias[40] (the bias first, as PyTorch exports it) -> Relu, and the same
// MatMul's twin whose output is also a graph output (its Add stays a kernel); whole and with the
// MatMul split into column slices (40 columns > 6 rows), which add their part of the bias.
TEST(SessionFusion, BiasAddFusesIntoItsMatMulWholeAndSliced) {
  std::mt19937 rng(12);
  ModelBuilder m;
  ir::ValueId x = m.input("x", {1, 6, 8});
  ir::ValueId w = m.constant("w", random_tensor({8, 40}, rng));
  ir::ValueId bias = m.constant("bias", random_tensor({40}, rng));
  ir::ValueId mm = m.node("MatMul", {x, w}, {}, "mm");
  m.output(m.node("Relu", {m.node("Add", {bias, mm}, {}, "add")}, {}, "relu"));
  ir::ValueId twin = m.node("MatMul", {x, w}, {}, "twin");
  m.output(twin);
  m.output(m.node("Add", {twin, bias}, {}, "twin_add"));
  const ir::Tensor input = random_tensor({1, 6, 8}, rng);
  SessionOptions unfused_options;
  unfused_options.fuse_activations = false;
  Session unfused(m.g, unfused_options);
  const std::vector<ir::Tensor> want = unfused.run(std::vector<ir::Tensor>{input});
  EXPECT_EQ(unfused.stats().fused_biases, 0u);
  ir::NodeId mm_node = ir::kNone;
  for (const ir::Node& n : m.g.nodes()) mm_node = n.name == "mm" ? n.id : mm_node;
  for (int slices : {1, 2, 3}) {
    SessionOptions options;
    if (slices > 1) options.slices[mm_node] = slices;
    Session fused(m.g, options);
    EXPECT_EQ(fused.stats().fused_biases, 1u);
    EXPECT_EQ(fused.program().split_nodes.count(mm_node), slices > 1 ? 1u : 0u);
    const std::vector<ir::Tensor> got = fused.run(std::vector<ir::Tensor>{input});
    ASSERT_EQ(got.size(), want.size());
    for (size_t o = 0; o < got.size(); ++o) expect_near(got[o], want[o], 1e-5f);
  }
}

}  // namespace
}  // namespace ramiel::runtime

namespace ramiel::runtime {
namespace {

ir::Tensor scalar(float v) {
  ir::Tensor t(ir::DataType::kFloat32, {});
  t.data<float>()[0] = v;
  return t;
}

// The exact GELU as exporters write it after a MatMul + bias: `form` 0 is PyTorch's nn.GELU,
// Mul(Mul(x, Add(Erf(Div(x, sqrt 2)), 1)), 0.5); 1 is the hand-written x * 0.5 * (1 + erf(x * (1/sqrt 2)))
// with the constants first; 2 is form 0 whose Erf output is also a graph output (must not fuse).
ModelBuilder gelu_model(int form) {
  std::mt19937 rng(13);
  ModelBuilder m;
  ir::ValueId x = m.input("x", {1, 6, 8});
  ir::ValueId mm = m.node("MatMul", {x, m.constant("w", random_tensor({8, 40}, rng))}, {}, "mm");
  ir::ValueId h = m.node("Add", {mm, m.constant("bias", random_tensor({40}, rng))}, {}, "bias");
  ir::ValueId half = m.constant("half", scalar(0.5f)), one = m.constant("one", scalar(1.0f));
  if (form == 1) {
    ir::ValueId scaled = m.node("Mul", {m.constant("inv_sqrt2", scalar(0.70710678f)), h}, {}, "scale");
    ir::ValueId t = m.node("Add", {one, m.node("Erf", {scaled}, {}, "erf")}, {}, "add1");
    m.output(m.node("Mul", {m.node("Mul", {half, h}, {}, "half"), t}, {}, "gelu"));
    return m;
  }
  ir::ValueId erf = m.node("Erf", {m.node("Div", {h, m.constant("sqrt2", scalar(1.4142135f))}, {}, "scale")}, {}, "erf");
  ir::ValueId t = m.node("Add", {erf, one}, {}, "add1");
  m.output(m.node("Mul", {m.node("Mul", {h, t}, {}, "mul"), half}, {}, "gelu"));
  if (form == 2) m.output(erf);
  return m;
}

TEST(SessionFusion, GeluChainFusesIntoItsMatMulWholeAndSliced) {
  std::mt19937 rng(14);
  const ir::Tensor input = random_tensor({1, 6, 8}, rng);
  for (int form : {0, 1, 2}) {
    ModelBuilder m = gelu_model(form);
    SessionOptions unfused_options;
    unfused_options.fuse_activations = false;
    const std::vector<ir::Tensor> want = Session(m.g, unfused_options).run(std::vector<ir::Tensor>{input});
    ir::NodeId mm_node = ir::kNone;
    for (const ir::Node& n : m.g.nodes()) mm_node = n.name == "mm" ? n.id : mm_node;
    for (int slices : {1, 3}) {
      SessionOptions options;
      if (slices > 1) options.slices[mm_node] = slices;
      Session fused(m.g, options);
      SCOPED_TRACE("form " + std::to_string(form) + ", " + std::to_string(slices) + " slices");
      EXPECT_EQ(fused.stats().fused_biases, 1u);
      EXPECT_EQ(fused.stats().fused_activations, form == 2 ? 0u : 1u);
      EXPECT_EQ(fused.stats().kernels, (form == 2 ? 6u : 1u) + static_cast<size_t>(slices - 1));
      const std::vector<ir::Tensor> got = fused.run(std::vector<ir::Tensor>{input});
      ASSERT_EQ(got.size(), want.size());
      for (size_t o = 0; o < got.size(); ++o) expect_near(got[o], want[o], 1e-5f);
    }
  }
}

// nn.LayerNorm as PyTorch exports it before opset 17 (9 elementwise ops over the last dim):
// `form` 0 with gamma and beta; 1 without beta and with the operands of Add and Mul swapped; 2 with
// the centred value also a graph output (must not fuse); 3 with the mean over another axis (likewise).
ModelBuilder layer_norm_model(int form) {
  std::mt19937 rng(15);
  ModelBuilder m;
  ir::ValueId x = m.input("x", {2, 5, 24});
  ir::Attribute axes{.type = ir::Attribute::Type::kInts, .ints = {form == 3 ? 1 : -1}};
  ir::ValueId d = m.node("Sub", {x, m.node("ReduceMean", {x}, {{"axes", axes}}, "mean")}, {}, "centre");
  ir::ValueId var = m.node("ReduceMean", {m.node("Pow", {d, m.constant("two", scalar(2.0f))}, {}, "square")}, {{"axes", axes}}, "var");
  ir::ValueId sd = m.node("Sqrt", {m.node("Add", {m.constant("eps", scalar(1e-5f)), var}, {}, "add_eps")}, {}, "sqrt");
  ir::ValueId n = m.node("Div", {d, sd}, {}, "normalise");
  ir::ValueId gamma = m.constant("gamma", random_tensor({24}, rng));
  if (form == 1) {
    m.output(m.node("Mul", {gamma, n}, {}, "scale"));
    return m;
  }
  m.output(m.node("Add", {m.node("Mul", {n, gamma}, {}, "scale"), m.constant("beta", random_tensor({24}, rng))}, {}, "shift"));
  if (form == 2) m.output(d);
  return m;
}

TEST(SessionFusion, LayerNormChainBecomesOneKernelWholeAndSliced) {
  std::mt19937 rng(16);
  const ir::Tensor input = random_tensor({2, 5, 24}, rng);
  for (int form : {0, 1, 2, 3}) {
    ModelBuilder m = layer_norm_model(form);
    SessionOptions unfused_options;
    unfused_options.fuse_activations = false;
    const std::vector<ir::Tensor> want = Session(m.g, unfused_options).run(std::vector<ir::Tensor>{input});
    const bool fuses = form < 2;
    ir::NodeId last = ir::kNone;
    for (const ir::Node& node : m.g.nodes()) last = node.name == (form == 1 ? "scale" : "shift") ? node.id : last;
    for (int slices : {1, 2}) {
      SessionOptions options;
      if (slices > 1) options.slices[last] = slices;
      Session fused(m.g, options);
      SCOPED_TRACE("form " + std::to_string(form) + ", " + std::to_string(slices) + " slices");
      EXPECT_EQ(fused.stats().fused_layer_norms, fuses ? 1u : 0u);
      if (fuses) {
        EXPECT_EQ(fused.stats().kernels, static_cast<size_t>(slices));
        EXPECT_EQ(fused.program().split_nodes.count(last), slices > 1 ? 1u : 0u);
      }
      const std::vector<ir::Tensor> got = fused.run(std::vector<ir::Tensor>{input});
      ASSERT_EQ(got.size(), want.size());
      for (size_t o = 0; o < got.size(); ++o) expect_near(got[o], want[o], 1e-5f);
    }
  }
}

// A ResNet block: y = Relu(Add(Conv(Relu(Conv(x))), x)), where x (a Conv's output, so that it is
// in the activation layout) is an ancestor of the second Conv: the Add and Relu fuse into it. And a
// downsampling block whose residual is a parallel Conv branch: it fuses into the later Conv in a
// serial-order session, not in a parallel plan (the Conv would wait on a node the plan did not
// order before it).
ModelBuilder residual_model(bool parallel_residual) {
  std::mt19937 rng(17);
  ModelBuilder m;
  ir::ValueId in = m.input("in", {1, 8, 6, 6});
  auto conv = [&](ir::ValueId v, const std::string& name) {
    return m.node("Conv", {v, m.constant(name + "_w", random_tensor({16, name == "stem" ? 8 : 16, 3, 3}, rng)), m.constant(name + "_b", random_tensor({16}, rng))},
                  {{"kernel_shape", ints({3, 3})}, {"pads", ints({1, 1, 1, 1})}}, name);
  };
  ir::ValueId x = conv(in, "stem");
  ir::ValueId body = conv(m.node("Relu", {conv(x, "c1")}, {}, "r1"), "c2");
  ir::ValueId residual = parallel_residual ? conv(x, "shortcut") : x;
  m.output(m.node("Relu", {m.node("Add", {residual, body}, {}, "add")}, {}, "out"));
  return m;
}

TEST(SessionFusion, ResidualAddFusesIntoTheConvBeforeItWholeAndSliced) {
  std::mt19937 rng(18);
  const ir::Tensor input = random_tensor({1, 8, 6, 6}, rng);
  for (Layout layout : {Layout::kNChw8c, Layout::kNhwc}) {
    for (bool parallel_residual : {false, true}) {
      ModelBuilder m = residual_model(parallel_residual);
      SessionOptions unfused_options;
      unfused_options.activation_layout = layout;
      unfused_options.fuse_activations = false;
      const std::vector<ir::Tensor> want = Session(m.g, unfused_options).run(std::vector<ir::Tensor>{input});
      ir::NodeId c2 = ir::kNone;
      for (const ir::Node& node : m.g.nodes()) c2 = node.name == "c2" ? node.id : c2;
      for (int slices : {1, 2}) {
        if (slices > 1 && layout == Layout::kNhwc) continue;  // NHWC channel slices are refused
        SessionOptions options;
        options.activation_layout = layout;
        if (slices > 1) options.slices[c2] = slices;
        Session fused(m.g, options);
        SCOPED_TRACE(std::string(to_string(layout)) + (parallel_residual ? ", parallel residual, " : ", ") + std::to_string(slices) + " slices");
        EXPECT_EQ(fused.stats().fused_residuals, 1u);
        EXPECT_EQ(fused.stats().fused_activations, 2u);  // c1's Relu, and the block's
        EXPECT_EQ(fused.program().split_nodes.count(c2), slices > 1 ? 1u : 0u);
        const std::vector<ir::Tensor> got = fused.run(std::vector<ir::Tensor>{input});
        ASSERT_EQ(got.size(), 1u);
        expect_near(got[0], want[0], 1e-4f);
      }
      // A parallel plan (here every node on worker 0 of two) fuses only the ancestor residual, with
      // the same bits.
      SessionOptions plan_options;
      plan_options.activation_layout = layout;
      NodeSchedule schedule;
      schedule.workers.resize(2);
      for (ir::NodeId n : m.g.topological_order()) schedule.workers[0].push_back(n);
      plan_options.schedule = schedule;
      Session plan(m.g, plan_options);
      EXPECT_EQ(plan.stats().fused_residuals, parallel_residual ? 0u : 1u);
      SessionOptions serial_options;
      serial_options.activation_layout = layout;
      const std::vector<ir::Tensor> serial = Session(m.g, serial_options).run(std::vector<ir::Tensor>{input});
      const std::vector<ir::Tensor> planned = plan.run(std::vector<ir::Tensor>{input});
      ASSERT_EQ(planned.size(), 1u);
      EXPECT_EQ(std::memcmp(planned[0].raw(), serial[0].raw(), planned[0].byte_size()), 0);
    }
  }
}

// oneDNN-style threading (SessionOptions::kernel_threads): large elementwise nodes run as bands of
// rows on OpenMP threads, with the serial session's bits (an attention block's scale, mask and
// residual: a scalar, a row broadcast and a full operand).
TEST(SessionThreads, LargeElementwiseNodesSplitOverThreadsWithTheSerialBits) {
  std::mt19937 rng(19);
  ModelBuilder m;
  ir::ValueId scores = m.input("scores", {1, 12, 128, 128});
  ir::ValueId mask = m.input("mask", {1, 1, 1, 128});
  ir::ValueId scaled = m.node("Div", {scores, m.constant("scale", ir::Tensor::from(ir::DataType::kFloat32, {}, std::vector<float>{8.0f}))}, {}, "div");
  ir::ValueId masked = m.node("Add", {scaled, mask}, {}, "add");
  m.output(m.node("Mul", {m.node("Relu", {masked}, {}, "relu"), scores}, {}, "mul"));
  m.output(m.node("Sub", {m.input("small", {3, 5}), m.constant("other", random_tensor({3, 5}, rng))}, {}, "small_sub"));
  const std::vector<ir::Tensor> inputs = {random_tensor({1, 12, 128, 128}, rng), random_tensor({1, 1, 1, 128}, rng),
                                          random_tensor({3, 5}, rng)};
  const std::vector<ir::Tensor> want = Session(m.g).run(inputs);
  for (int threads : {2, 3}) {
    SessionOptions options;
    options.kernel_threads = threads;
    Session threaded(m.g, options);
    int sliced = 0;
    for (const auto& step : threaded.program().steps) {
      if (step.kernel && step.kernel->implementation().find("OpenMP threads") != std::string::npos) ++sliced;
    }
    EXPECT_EQ(sliced, 4) << threads << " threads";  // Div, Add, Relu, Mul (not the small Sub)
    const std::vector<ir::Tensor> got = threaded.run(inputs);
    ASSERT_EQ(got.size(), want.size());
    for (size_t o = 0; o < got.size(); ++o) {
      EXPECT_EQ(std::memcmp(got[o].raw(), want[o].raw(), want[o].byte_size()), 0) << "output " << o << ", " << threads << " threads";
    }
  }
}

// An inverted-residual block as in mobilenet_v2 (1x1 expand, Clip, 3x3 depthwise, 1x1 project,
// residual Add), optionally followed by a dense 3x3 convolution, which ramiel's Winograd kernels
// may compute.
ModelBuilder inverted_residual_model(bool dense_3x3) {
  std::mt19937 rng(29);
  ModelBuilder m;
  ir::ValueId x = m.input("x", {1, 16, 14, 14});
  const auto clip6 = [&](ir::ValueId v) {
    return m.node("Clip", {v, m.constant(m.g.value(v).name + "_lo", ir::Tensor::from(ir::DataType::kFloat32, {}, std::vector<float>{0.f})),
                           m.constant(m.g.value(v).name + "_hi", ir::Tensor::from(ir::DataType::kFloat32, {}, std::vector<float>{6.f}))});
  };
  ir::ValueId e = clip6(m.node("Conv", {x, m.constant("we", random_tensor({32, 16, 1, 1}, rng))}, {}, "expand"));
  ir::ValueId d = clip6(m.node("Conv", {e, m.constant("wd", random_tensor({32, 1, 3, 3}, rng))},
                               {{"group", integer(32)}, {"pads", ints({1, 1, 1, 1})}}, "depthwise"));
  ir::ValueId y = m.node("Add", {m.node("Conv", {d, m.constant("wp", random_tensor({16, 32, 1, 1}, rng))}, {}, "project"), x});
  if (dense_3x3) y = m.node("Conv", {y, m.constant("w3", random_tensor({16, 16, 3, 3}, rng))}, {{"pads", ints({1, 1, 1, 1})}}, "dense");
  m.output(y);
  return m;
}

// Kernels on OpenMP threads in serial order take oneDNN's NHWC kernels where oneDNN prefers NHWC
// and no convolution is a Winograd candidate; a serial session, a sliced one and a graph with a
// dense 3x3 convolution keep the preferred (channel-blocked) layout; results within rounding.
TEST(SessionThreads, ThreadedSessionsWithoutWinogradCandidatesTakeOneDnnsLayout) {
  std::mt19937 rng(31);
  const std::vector<ir::Tensor> inputs = {random_tensor({1, 16, 14, 14}, rng)};
  const Layout blocked = preferred_activation_layout();
  for (bool dense : {false, true}) {
    SCOPED_TRACE(dense ? "with a dense 3x3 convolution" : "1x1 and depthwise convolutions");
    ModelBuilder m = inverted_residual_model(dense);
    bool candidate = false;
    for (const ir::Node& n : m.g.nodes()) {
      if (n.op_type == "Conv") candidate = candidate || winograd_may_compute(n, m.g.value(n.inputs[1]).constant->dims());
    }
    EXPECT_EQ(candidate, dense && cpu::use_avx2_fma());  // the dense 3x3 one only, where the CPU has the kernels
    const bool nhwc = onednn_activation_layout() == Layout::kNhwc && !candidate;
    EXPECT_EQ(threaded_activation_layout(m.g), nhwc ? Layout::kNhwc : blocked);
    Session serial(m.g);
    EXPECT_EQ(serial.program().activation_layout, blocked);
    const std::vector<ir::Tensor> want = serial.run(inputs);
    SessionOptions options;
    options.kernel_threads = 2;
    Session threaded(m.g, options);
    EXPECT_EQ(threaded.program().activation_layout, nhwc ? Layout::kNhwc : blocked);
    // Other kernels (NHWC, or Winograd against a direct convolution) round differently: within
    // 1e-5 of the output's largest magnitude (outputs reach hundreds and cancel to near zero).
    float largest = 1.0f;
    for (int64_t i = 0; i < want[0].size(); ++i) largest = std::max(largest, std::abs(want[0].data<float>()[i]));
    const auto expect_close = [&](const ir::Tensor& got) { expect_near(got, want[0], 1e-5f * largest); };
    expect_close(threaded.run(inputs)[0]);
    for (const ir::Node& n : m.g.nodes()) {
      if (n.name == "expand") options.slices[n.id] = 2;
    }
    Session sliced(m.g, options);
    EXPECT_EQ(sliced.program().activation_layout, blocked);
    expect_close(sliced.run(inputs)[0]);
  }
  ModelBuilder no_conv;
  no_conv.output(no_conv.node("Relu", {no_conv.input("x", {1, 16, 4, 4})}));
  EXPECT_EQ(threaded_activation_layout(no_conv.g), blocked);
}

// Two branches concatenated, that result concatenated with a third branch, and a second Concat
// sharing an input with the first: in -> a (Relu), b, c; inner = [a, b]; outer = [inner, c] -> d;
// shared = [a, c]. Outputs d, b and shared.
ModelBuilder concat_model(int64_t batch) {
  std::mt19937 rng(23);
  ModelBuilder m;
  ir::ValueId in = m.input("in", {batch, 8, 6, 6});
  auto conv = [&](ir::ValueId v, int64_t in_channels, int64_t out_channels, const std::string& name) {
    return m.node("Conv", {v, m.constant(name + "_w", random_tensor({out_channels, in_channels, 3, 3}, rng))},
                  {{"kernel_shape", ints({3, 3})}, {"pads", ints({1, 1, 1, 1})}}, name);
  };
  ir::ValueId a = m.node("Relu", {conv(in, 8, 8, "a")}, {}, "a_relu");
  ir::ValueId b = conv(in, 8, 16, "b");
  ir::ValueId c = conv(in, 8, 8, "c");
  ir::ValueId inner = m.node("Concat", {a, b}, {{"axis", integer(1)}}, "inner");
  ir::ValueId outer = m.node("Concat", {inner, c}, {{"axis", integer(1)}}, "outer");
  m.output(conv(outer, 32, 8, "d"));
  m.output(b);
  m.output(m.node("Concat", {a, c}, {{"axis", integer(1)}}, "shared"));
  return m;
}

TEST(SessionConcat, InputsAreWrittenInPlaceWithTheSameBits) {
  // Batch 1 in the plain or a blocked layout: each Concat input is one range of the output, so
  // its producer writes there and the Concat copies nothing; the inner Concat moves into the
  // outer one, and the Concat sharing an input with them copies. Batch 2, and NHWC (channels
  // innermost), interleave the inputs: they copy.
  for (int64_t batch : {1, 2}) {
    std::mt19937 rng(24);
    const ir::Tensor input = random_tensor({batch, 8, 6, 6}, rng);
    for (Layout layout : {Layout::kPlain, Layout::kNChw8c, Layout::kNhwc}) {
      ModelBuilder m = concat_model(batch);
      SessionOptions copying;
      copying.activation_layout = layout;
      copying.concat_in_place = false;
      const std::vector<ir::Tensor> want = Session(m.g, copying).run(std::vector<ir::Tensor>{input});
      ir::NodeId b = ir::kNone;
      for (const ir::Node& node : m.g.nodes()) b = node.name == "b" ? node.id : b;
      for (int slices : {1, 2}) {
        if (slices > 1 && (layout == Layout::kNhwc || batch > 1)) continue;  // channel slices need batch 1, no NHWC
        SessionOptions options;
        options.activation_layout = layout;
        if (slices > 1) options.slices[b] = slices;
        Session session(m.g, options);
        SCOPED_TRACE(std::string(to_string(layout)) + ", batch " + std::to_string(batch) + ", " + std::to_string(slices) + " slices");
        EXPECT_EQ(session.stats().concats_in_place, batch == 1 && layout != Layout::kNhwc ? 2u : 0u);
        EXPECT_EQ(session.program().split_nodes.count(b), slices > 1 ? 1u : 0u);
        for (int run = 0; run < 2; ++run) {  // the second run reuses the arena
          const std::vector<ir::Tensor> got = session.run(std::vector<ir::Tensor>{input});
          ASSERT_EQ(got.size(), want.size());
          for (size_t i = 0; i < got.size(); ++i) {
            ASSERT_EQ(got[i].dims(), want[i].dims());
            EXPECT_EQ(std::memcmp(got[i].raw(), want[i].raw(), static_cast<size_t>(got[i].size()) * sizeof(float)), 0) << "output " << i;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace ramiel::runtime

namespace ramiel::runtime {
namespace {

// Self-attention as BERT exports it: per head, Q [1,S,H,D] -> Transpose(0,2,1,3), K -> Transpose
// (0,2,3,1), scores = Div(MatMul(Q, K), `divisor`) or Mul by its inverse, Softmax, times V
// (Transpose(0,2,1,3)), back through Transpose(0,2,1,3) and a Reshape to [1,S,H*D]. With
// `shared_k`, K's Transpose is also a graph output (must not fuse).
ModelBuilder attention_model(bool multiply, bool shared_k) {
  ModelBuilder m;
  ir::ValueId q = m.input("q", {1, 6, 4, 8}), k = m.input("k", {1, 6, 4, 8}), v = m.input("v", {1, 6, 4, 8});
  ir::ValueId qt = m.node("Transpose", {q}, {{"perm", ints({0, 2, 1, 3})}}, "q_t");
  ir::ValueId kt = m.node("Transpose", {k}, {{"perm", ints({0, 2, 3, 1})}}, "k_t");
  ir::ValueId scores = m.node("MatMul", {qt, kt}, {}, "scores");
  const float divisor = 2.5f;
  ir::ValueId scaled = multiply ? m.node("Mul", {scores, m.constant("inverse", scalar(1.0f / divisor))}, {}, "scale")
                                : m.node("Div", {scores, m.constant("divisor", scalar(divisor))}, {}, "scale");
  ir::ValueId p = m.node("Softmax", {scaled}, {{"axis", integer(-1)}}, "softmax");
  ir::ValueId vt = m.node("Transpose", {v}, {{"perm", ints({0, 2, 1, 3})}}, "v_t");
  ir::ValueId context = m.node("MatMul", {p, vt}, {}, "context");
  ir::ValueId back = m.node("Transpose", {context}, {{"perm", ints({0, 2, 1, 3})}}, "back");
  m.output(m.node("Reshape", {back, m.constant("shape", ir::Tensor::from(ir::DataType::kInt64, {3}, std::vector<int64_t>{1, 6, 32}))}, {}, "merge"));
  if (shared_k) m.output(kt);
  return m;
}

// The Transposes around attention's MatMuls become strides of the MatMuls and the scale a
// post-op, within rounding of the unfused session; also where the options split a MatMul, which
// then runs whole, with the bits of the unsplit session.
TEST(SessionFusion, AttentionTransposesAndScaleFuseIntoTheMatMuls) {
  std::mt19937 rng(21);
  const std::vector<ir::Tensor> inputs = {random_tensor({1, 6, 4, 8}, rng), random_tensor({1, 6, 4, 8}, rng), random_tensor({1, 6, 4, 8}, rng)};
  for (bool multiply : {false, true}) {
    for (bool shared_k : {false, true}) {
      ModelBuilder m = attention_model(multiply, shared_k);
      SessionOptions unfused_options;
      unfused_options.fuse_activations = false;
      const std::vector<ir::Tensor> want = Session(m.g, unfused_options).run(inputs);
      ir::NodeId scores = ir::kNone;
      for (const ir::Node& n : m.g.nodes()) scores = n.name == "scores" ? n.id : scores;
      std::vector<ir::Tensor> whole;  // the unsplit session's outputs
      for (int slices : {1, 2}) {
        SCOPED_TRACE(std::string(multiply ? "Mul" : "Div") + (shared_k ? ", K shared" : "") + ", " + std::to_string(slices) + " slices");
        SessionOptions options;
        if (slices > 1) options.slices[scores] = slices;
        for (int threads : {1, 2}) {
          options.kernel_threads = threads;
          Session fused(m.g, options);
          const size_t before = shared_k ? 1u : 2u;                // Q and K, unless K is shared
          EXPECT_EQ(fused.stats().fused_transposes, before + 2u);  // V's, and the one after the context
          EXPECT_EQ(fused.stats().fused_scales, 1u);
          const std::vector<ir::Tensor> got = fused.run(inputs);
          if (slices == 1 && threads == 1) whole = got;
          EXPECT_EQ(std::memcmp(got[0].raw(), whole[0].raw(), got[0].byte_size()), 0) << threads << " threads";
          ASSERT_EQ(got.size(), want.size());
          for (size_t o = 0; o < got.size(); ++o) {
            EXPECT_EQ(got[o].dims(), want[o].dims());
            expect_near(got[o], want[o], 1e-5f);
          }
          const std::vector<ir::Tensor> again = fused.run(inputs);
          EXPECT_EQ(std::memcmp(again[0].raw(), got[0].raw(), got[0].byte_size()), 0);
        }
      }
    }
  }
}

}  // namespace
}  // namespace ramiel::runtime
