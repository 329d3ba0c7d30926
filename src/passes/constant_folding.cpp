#include "passes/constant_folding.h"

#include "ramiel/error.h"
#include "runtime/kernels/registry.h"

namespace ramiel::passes {
namespace {

/// Ops whose result depends only on their input's dims, not on its data.
bool depends_on_dims_only(const std::string& op) { return op == "Shape" || op == "Size"; }

/// Ops that must not be folded even with constant inputs.
bool has_side_effects_or_randomness(const std::string& op) {
  return op == "RandomNormal" || op == "RandomUniform" || op == "RandomNormalLike" || op == "RandomUniformLike" ||
         op == "Multinomial" || op == "Bernoulli";
}

}  // namespace

bool ConstantFolding::try_fold(ir::Graph& graph, ir::NodeId id) const {
  const ir::Node& node = graph.node(id);
  if (node.has_subgraph || has_side_effects_or_randomness(node.op_type)) return false;
  runtime::KernelFactory factory = runtime::find_kernel(node.op_type, node.domain);
  if (!factory) return false;
  const bool dims_only = depends_on_dims_only(node.op_type);

  runtime::KernelInit init{node, {}, 13, 1};
  auto opset = graph.opsets.find(node.domain);
  if (opset != graph.opsets.end()) init.opset = opset->second;
  std::vector<ir::Tensor> inputs;
  size_t input_bytes = 0;
  for (ir::ValueId in : node.inputs) {
    runtime::TensorInfo info;
    if (in == ir::kNone) {
      inputs.emplace_back();
      init.inputs.push_back(info);
      continue;
    }
    const ir::Value& v = graph.value(in);
    if (v.constant) {
      info.dtype = v.constant->dtype();
      info.dims = v.constant->dims();
      info.constant = &*v.constant;
      inputs.push_back(*v.constant);
      input_bytes += v.constant->byte_size();
    } else if (dims_only && v.has_static_shape() && v.dtype != ir::DataType::kUndefined) {
      info.dtype = v.dtype;
      info.dims = *v.shape;
      inputs.push_back(ir::Tensor::wrap(v.dtype, *v.shape, nullptr));  // data is never read
    } else {
      return false;
    }
    init.inputs.push_back(info);
  }
  std::unique_ptr<runtime::Kernel> kernel;
  try {
    kernel = factory(init);
  } catch (const Error&) {
    return false;  // unsupported variant: leave it for the runtime to report
  }
  const auto& infos = kernel->output_infos();
  const size_t limit = std::max(max_output_bytes_, 2 * input_bytes);
  std::vector<ir::Tensor> outputs;
  for (const auto& info : infos) {
    if (info.dynamic) {
      outputs.emplace_back();
      continue;
    }
    size_t bytes = static_cast<size_t>(ir::element_count(info.dims)) * ir::element_size(info.dtype);
    if (bytes > limit) return false;
    outputs.emplace_back(info.dtype, info.dims);
  }
  kernel->run(inputs, outputs);
  for (size_t i = 0; i < outputs.size() && i < node.outputs.size(); ++i) {
    if (outputs[i].byte_size() > limit) return false;
  }
  // Commit: the outputs become constants and the node disappears.
  std::vector<ir::ValueId> outs = node.outputs;
  graph.remove_node(id);
  for (size_t i = 0; i < outs.size(); ++i) {
    if (outs[i] == ir::kNone || i >= outputs.size()) continue;
    // A view kernel's output shares the input's storage; give the constant its own.
    graph.set_constant(outs[i], kernel->view_of_input(i) >= 0 ? outputs[i].clone() : outputs[i]);
  }
  return true;
}

bool ConstantFolding::run_impl(ir::Graph& graph) {
  bool changed = false;
  for (ir::NodeId id : graph.topological_order()) {
    if (graph.node(id).removed) continue;
    changed = try_fold(graph, id) || changed;
  }
  return changed;
}

}  // namespace ramiel::passes
