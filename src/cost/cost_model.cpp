#include "cost/cost_model.h"

#include <algorithm>
#include <functional>
#include <string>
#include <unordered_map>

namespace ramiel::cost {
namespace {

using ir::Graph;
using ir::Node;
using ir::kNone;

double elements(const Graph& g, ir::ValueId id) {
  if (id == kNone) return 0;
  auto n = g.value(id).element_count();
  return n ? static_cast<double>(*n) : 0.0;
}

double value_bytes(const Graph& g, ir::ValueId id) {
  if (id == kNone) return 0;
  return elements(g, id) * static_cast<double>(std::max<size_t>(1, ir::element_size(g.value(id).dtype)));
}

const ir::Dims* dims(const Graph& g, ir::ValueId id) {
  if (id == kNone || !g.value(id).has_static_shape()) return nullptr;
  return &*g.value(id).shape;
}

double input_elements(const Graph& g, const Node& n, size_t i) {
  return i < n.inputs.size() ? elements(g, n.inputs[i]) : 0.0;
}

double output_elements(const Graph& g, const Node& n) { return n.outputs.empty() ? 0.0 : elements(g, n.outputs[0]); }

double kernel_volume(const Graph& g, const Node& n) {
  auto ks = n.attr_ints("kernel_shape");
  if (ks.empty() && n.inputs.size() > 1) {
    if (const ir::Dims* w = dims(g, n.inputs[1]); w && w->size() > 2) ks.assign(w->begin() + 2, w->end());
  }
  double v = 1;
  for (int64_t k : ks) v *= static_cast<double>(k);
  return v;
}

// FLOPs of Conv: each output element is a dot product over (Cin/group) * kernel volume.
double conv_flops(const Graph& g, const Node& n) {
  const ir::Dims* w = n.inputs.size() > 1 ? dims(g, n.inputs[1]) : nullptr;
  if (!w || w->size() < 2) return 0;
  double per_output = 2.0 * static_cast<double>((*w)[1]) * kernel_volume(g, n);
  return output_elements(g, n) * per_output + (n.inputs.size() > 2 ? output_elements(g, n) : 0.0);
}

double conv_transpose_flops(const Graph& g, const Node& n) {
  const ir::Dims* w = n.inputs.size() > 1 ? dims(g, n.inputs[1]) : nullptr;
  if (!w || w->size() < 2) return 0;
  // Every input element scatters into (Cout/group) * kernel volume outputs.
  return 2.0 * input_elements(g, n, 0) * static_cast<double>((*w)[1]) * kernel_volume(g, n);
}

double matmul_flops(const Graph& g, const Node& n) {
  const ir::Dims* a = dims(g, n.inputs[0]);
  if (!a || a->empty()) return 0;
  double k = static_cast<double>(a->back());
  return 2.0 * output_elements(g, n) * k;
}

double gemm_flops(const Graph& g, const Node& n) {
  const ir::Dims* a = dims(g, n.inputs[0]);
  if (!a || a->size() != 2) return 0;
  double k = static_cast<double>(n.attr_int("transA", 0) ? (*a)[0] : (*a)[1]);
  return 2.0 * output_elements(g, n) * k + (n.inputs.size() > 2 ? output_elements(g, n) : 0.0);
}

// Relative cost of one element of an elementwise op, in "flops".
const std::unordered_map<std::string, double>& elementwise_weights() {
  static const std::unordered_map<std::string, double> w = {
      {"Add", 1}, {"Sub", 1}, {"Mul", 1}, {"Div", 1}, {"Neg", 1}, {"Abs", 1}, {"Relu", 1},
      {"LeakyRelu", 2}, {"Clip", 2}, {"Max", 1}, {"Min", 1}, {"Sum", 1}, {"Mean", 1},
      {"Equal", 1}, {"Less", 1}, {"Greater", 1}, {"LessOrEqual", 1}, {"GreaterOrEqual", 1},
      {"Not", 1}, {"And", 1}, {"Or", 1}, {"Xor", 1}, {"Where", 1}, {"Cast", 1}, {"Sign", 1},
      {"Floor", 1}, {"Ceil", 1}, {"Round", 1}, {"Reciprocal", 1}, {"Sqrt", 4}, {"Pow", 10},
      {"Exp", 10}, {"Log", 10}, {"Erf", 12}, {"Tanh", 12}, {"Sigmoid", 12}, {"HardSigmoid", 3},
      {"HardSwish", 4}, {"Elu", 10}, {"Selu", 10}, {"Softplus", 12}, {"Gelu", 14}, {"Mish", 20},
      {"PRelu", 2}, {"Sin", 10}, {"Cos", 10}, {"Tan", 12}, {"Mod", 4}, {"BitShift", 1},
      {"IsNaN", 1}, {"IsInf", 1}, {"ThresholdedRelu", 2}, {"Celu", 10}, {"Dropout", 0}};
  return w;
}

double node_flops(const Graph& g, const Node& n) {
  const std::string& op = n.op_type;
  double out = output_elements(g, n);
  if (op == "Conv") return conv_flops(g, n);
  if (op == "ConvTranspose") return conv_transpose_flops(g, n);
  if (op == "MatMul" || op == "MatMulInteger") return matmul_flops(g, n);
  if (op == "Gemm") return gemm_flops(g, n);
  if (op == "MaxPool" || op == "AveragePool" || op == "LpPool") return out * kernel_volume(g, n);
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool" || op == "GlobalLpPool") return input_elements(g, n, 0);
  if (op.rfind("Reduce", 0) == 0 || op == "ArgMax" || op == "ArgMin") return input_elements(g, n, 0);
  if (op == "Softmax" || op == "LogSoftmax" || op == "Hardmax") return 5.0 * out;
  if (op == "BatchNormalization" || op == "InstanceNormalization") return 2.0 * out;
  if (op == "LayerNormalization" || op == "GroupNormalization") return 8.0 * out;
  if (op == "LRN") return (3.0 + static_cast<double>(n.attr_int("size", 5))) * out;
  if (op == "Resize" || op == "Upsample") return 4.0 * out;
  auto it = elementwise_weights().find(op);
  if (it != elementwise_weights().end()) return it->second * out;
  return 0;  // Data movement and shape ops: bytes only.
}

// Ops that only relabel a buffer's shape; they move no bytes when the runtime aliases them.
bool is_view(const std::string& op) {
  return op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze" || op == "Identity" ||
         op == "Dropout" || op == "Shape" || op == "Size" || op == "Constant";
}

}  // namespace

NodeCost analytic_cost(const Graph& graph, const Node& node, const MachineModel& machine) {
  NodeCost c;
  if (node.removed) return c;
  c.flops = node_flops(graph, node);
  if (!is_view(node.op_type)) {
    for (ir::ValueId in : node.inputs) c.bytes += value_bytes(graph, in);
    for (ir::ValueId out : node.outputs) c.bytes += value_bytes(graph, out);
  }
  c.time_ms = machine.time_ms(c.flops, c.bytes);
  return c;
}

std::vector<NodeCost> analytic_costs(const Graph& graph, const MachineModel& machine) {
  std::vector<NodeCost> costs(graph.nodes().size());
  for (const Node& n : graph.nodes()) costs[static_cast<size_t>(n.id)] = analytic_cost(graph, n, machine);
  return costs;
}

std::vector<double> analytic_times_ms(const Graph& graph, const MachineModel& machine) {
  std::vector<double> t;
  for (const NodeCost& c : analytic_costs(graph, machine)) t.push_back(c.time_ms);
  return t;
}

}  // namespace ramiel::cost
