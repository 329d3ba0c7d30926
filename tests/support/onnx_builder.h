#pragma once
// Small helpers to write ONNX models in tests without external files.
#include <onnx/onnx_pb.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace ramiel::testing {

/// Adds a float tensor value_info with `dims` to `list`.
inline void add_float_info(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name,
                           std::vector<int64_t> dims) {
  auto* vi = list->Add();
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
}

/// A model with opset 13 and an empty graph named "test".
inline onnx::ModelProto empty_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(13);
  m.mutable_graph()->set_name("test");
  return m;
}

/// Appends a node `op(inputs) -> outputs` to the model's graph.
inline onnx::NodeProto* add_node(onnx::ModelProto& m, const std::string& op, std::initializer_list<std::string> inputs,
                                 std::initializer_list<std::string> outputs, const std::string& name = "") {
  auto* n = m.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return n;
}

/// Serialized bytes of `m`.
inline std::string bytes_of(const onnx::ModelProto& m) { return m.SerializeAsString(); }

}  // namespace ramiel::testing
