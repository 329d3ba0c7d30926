#include "passes/identity_elimination.h"

#include <numeric>

namespace ramiel::passes {

bool is_no_op(const ir::Graph& graph, const ir::Node& node) {
  if (node.inputs.empty() || node.outputs.empty() || node.inputs[0] == ir::kNone || node.outputs[0] == ir::kNone) return false;
  const std::string& op = node.op_type;
  if (op == "Identity") return true;
  if (op == "Dropout") {
    // Inference Dropout is the identity unless its mask is read.
    bool mask_used = node.outputs.size() > 1 && node.outputs[1] != ir::kNone &&
                     (!graph.value(node.outputs[1]).consumers.empty() || graph.value(node.outputs[1]).is_graph_output);
    bool training = node.inputs.size() > 2 && node.inputs[2] != ir::kNone;  // training_mode input present
    return !mask_used && !training;
  }
  const ir::Value& in = graph.value(node.inputs[0]);
  const ir::Value& out = graph.value(node.outputs[0]);
  if (!in.has_static_shape() || !out.has_static_shape() || in.dtype != out.dtype || in.dtype == ir::DataType::kUndefined) return false;
  if (op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze") return *in.shape == *out.shape;
  if (op == "Cast") return true;  // dtypes are equal
  if (op == "Transpose") {
    std::vector<int64_t> perm = node.attr_ints("perm");
    std::vector<int64_t> identity(in.shape->size());
    std::iota(identity.begin(), identity.end(), 0);
    return perm.empty() ? in.shape->size() <= 1 : perm == identity;
  }
  return false;
}

bool bypass_node(ir::Graph& graph, ir::NodeId id) {
  const ir::Node& node = graph.node(id);
  ir::ValueId in = node.inputs[0], out = node.outputs[0];
  const ir::Value& out_value = graph.value(out);
  if (!out_value.is_graph_output) {
    graph.replace_all_uses(out, in);
    graph.remove_node(id);
    return true;
  }
  // The output's name must survive. If the input is produced by another node and is not itself
  // observable, let that producer write the output value instead.
  const ir::Value& in_value = graph.value(in);
  if (in_value.producer != ir::kNone && !in_value.is_graph_output) {
    ir::NodeId producer = in_value.producer;
    graph.remove_node(id);
    graph.replace_all_uses(in, out);
    graph.move_definition(in, out, producer);
    return true;
  }
  if (in_value.constant && !in_value.is_graph_input) {
    ir::Tensor data = *in_value.constant;
    graph.remove_node(id);
    graph.set_constant(out, data);
    return true;
  }
  return false;  // a graph input passed straight to an output keeps its Identity
}

bool IdentityElimination::run_impl(ir::Graph& graph) {
  bool changed = false;
  for (ir::NodeId id : graph.topological_order()) {
    if (is_no_op(graph, graph.node(id))) changed = bypass_node(graph, id) || changed;
  }
  return changed;
}

}  // namespace ramiel::passes
