#include "passes/pad_fusion.h"

#include <optional>
#include <vector>

namespace ramiel::passes {
namespace {

// The pads of a Pad node in ONNX order [begin of each dim..., end of each dim...], if it is a zero
// constant-mode pad whose amounts are known and non-negative; nullopt otherwise.
std::optional<std::vector<int64_t>> zero_pads(const ir::Graph& graph, const ir::Node& pad) {
  if (!pad.domain.empty() || pad.attr_string("mode", "constant") != "constant") return std::nullopt;
  auto constant = [&](size_t input) -> const ir::Tensor* {
    if (pad.inputs.size() <= input || pad.inputs[input] == ir::kNone) return nullptr;
    const ir::Value& v = graph.value(pad.inputs[input]);
    return v.constant ? &*v.constant : nullptr;
  };
  auto present = [&](size_t input) { return pad.inputs.size() > input && pad.inputs[input] != ir::kNone; };
  std::vector<int64_t> pads;
  if (present(1)) {  // opset >= 11: pads, constant_value and axes are inputs
    const ir::Tensor* amounts = constant(1);
    if (amounts == nullptr || present(3)) return std::nullopt;
    for (int64_t i = 0; i < amounts->size(); ++i) pads.push_back(ir::element_as_int64(*amounts, i));
    if (present(2)) {
      const ir::Tensor* value = constant(2);
      if (value == nullptr || value->size() != 1 || ir::element_as_double(*value, 0) != 0.0) return std::nullopt;
    }
  } else {
    pads = pad.attr_ints("pads");
    if (pad.attr_float("value", 0.0f) != 0.0f) return std::nullopt;
  }
  for (int64_t p : pads) {
    if (p < 0) return std::nullopt;  // negative pads crop
  }
  return pads;
}

// Folds Pad `pad_id` into its only reader if it can; true if it did.
bool fuse(ir::Graph& graph, ir::NodeId pad_id) {
  const ir::Node& pad = graph.node(pad_id);
  if (pad.inputs.empty() || pad.outputs.size() != 1) return false;
  const ir::Value& out = graph.value(pad.outputs[0]);
  const ir::Value& in = graph.value(pad.inputs[0]);
  if (out.is_graph_output || out.consumers.size() != 1 || !in.shape || in.shape->size() < 3) return false;
  const std::optional<std::vector<int64_t>> pads = zero_pads(graph, pad);
  const size_t rank = in.shape->size(), spatial = rank - 2;
  if (!pads || pads->size() != 2 * rank) return false;
  if ((*pads)[0] != 0 || (*pads)[1] != 0 || (*pads)[rank] != 0 || (*pads)[rank + 1] != 0) return false;  // N and C

  ir::Node& reader = graph.node(out.consumers[0]);
  if (!reader.domain.empty() || (reader.op_type != "Conv" && reader.op_type != "AveragePool")) return false;
  if (reader.inputs.empty() || reader.inputs[0] != pad.outputs[0]) return false;
  for (size_t i = 1; i < reader.inputs.size(); ++i) {
    if (reader.inputs[i] == pad.outputs[0]) return false;
  }
  if (reader.attr_string("auto_pad", "NOTSET") != "NOTSET") return false;
  std::vector<int64_t> own = reader.attr_ints("pads", std::vector<int64_t>(2 * spatial, 0));
  if (own.size() != 2 * spatial) return false;
  if (reader.op_type == "AveragePool" && reader.attr_int("count_include_pad", 0) == 0) {
    for (int64_t p : own) {
      if (p != 0) return false;  // its own padding is not counted, the Pad's would have to be
    }
    reader.attributes["count_include_pad"] = ir::Attribute{.type = ir::Attribute::Type::kInt, .i = 1};
  }
  for (size_t d = 0; d < spatial; ++d) {
    own[d] += (*pads)[2 + d];
    own[spatial + d] += (*pads)[rank + 2 + d];
  }
  reader.attributes["pads"] = ir::Attribute{.type = ir::Attribute::Type::kInts, .ints = own};
  std::vector<ir::ValueId> inputs = reader.inputs;
  inputs[0] = pad.inputs[0];
  graph.rewire_inputs(reader.id, inputs);
  graph.remove_node(pad_id);
  return true;
}

}  // namespace

bool PadFusion::run_impl(ir::Graph& graph) {
  bool changed = false;
  for (ir::NodeId id : graph.topological_order()) {
    if (graph.node(id).op_type == "Pad") changed = fuse(graph, id) || changed;
  }
  return changed;
}

}  // namespace ramiel::passes
