#include "runtime/constant_folding.h"

#include <array>
#include <string_view>

#include "ramiel/error.h"
#include "runtime/kernels/registry.h"

namespace ramiel::runtime {

bool is_foldable(const ir::Node& node) {
  // Dropout is deterministic at inference; its kernel decides what training_mode allows.
  static constexpr std::array<std::string_view, 6> kRandom = {
      "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli"};
  if (node.has_subgraph) return false;
  for (auto op : kRandom)
    if (node.op_type == op) return false;
  return find_kernel(node.op_type, node.domain) != nullptr;
}

std::vector<ir::Tensor> evaluate_node(const ir::Node& node, std::span<const ir::Tensor> inputs, int64_t opset) {
  KernelFactory factory = find_kernel(node.op_type, node.domain);
  if (factory == nullptr) throw Error(ErrorKind::kUnsupported, "no kernel for operator " + node.op_type);
  KernelInit init{node, {}, opset, 1};
  for (const ir::Tensor& t : inputs) {
    TensorInfo info;
    if (t.raw() != nullptr) {
      info.dtype = t.dtype();
      info.dims = t.dims();
      info.constant = &t;
    }
    init.inputs.push_back(info);
  }
  std::unique_ptr<Kernel> kernel = factory(init);
  const std::vector<TensorInfo>& infos = kernel->output_infos();
  std::vector<ir::Tensor> outputs(infos.size());
  for (size_t i = 0; i < infos.size(); ++i) {
    if (infos[i].constant != nullptr) {
      outputs[i] = *infos[i].constant;
    } else if (!infos[i].dynamic && kernel->view_of_input(i) < 0) {
      outputs[i] = ir::Tensor(infos[i].dtype, infos[i].dims);
    }
  }
  // Views alias their input; run() is skipped only when every output is a view or known.
  bool all_known = true;
  for (size_t i = 0; i < infos.size(); ++i) {
    int from = kernel->view_of_input(i);
    if (infos[i].constant != nullptr) continue;
    if (from >= 0) {
      outputs[i] = inputs[static_cast<size_t>(from)].reshaped(infos[i].dims);
    } else {
      all_known = false;
    }
  }
  if (!all_known) kernel->run(inputs, outputs);
  outputs.resize(node.outputs.size());
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    if (node.outputs[i] == ir::kNone) outputs[i] = ir::Tensor();
  }
  return outputs;
}

}  // namespace ramiel::runtime
