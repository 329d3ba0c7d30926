#pragma once
// Running a layout-aware kernel (Conv, pools, BatchNormalization, LRN) with its data input and
// output in a chosen layout, as the session does, on plain test tensors.
#include "runtime/kernels/kernel_test_support.h"
#include "runtime/layout.h"

namespace ramiel::testing {

/// Layouts for run_with_layout().
struct LayoutOptions {
  runtime::Layout input = runtime::Layout::kPlain;   ///< Layout of input 0 (rank 4 only).
  runtime::Layout output = runtime::Layout::kPlain;  ///< KernelInit::output_layout.
  std::vector<bool> constant;                        ///< Per input: seen as a constant.
  int64_t opset = 13;                                ///< Node opset.
  int threads = 1;                                   ///< KernelInit::threads.
  runtime::SliceSpec slice;                          ///< KernelInit::slice (the rest of the output stays zero).
};

/// Creates `node`'s kernel with input 0 stored in `options.input` (plain where that layout is not
/// valid for its dims) and runs it; converts the output back to plain. Inputs and the returned
/// output are plain tensors.
inline ir::Tensor run_with_layout(const ir::Node& node, const std::vector<ir::Tensor>& inputs, const LayoutOptions& options) {
  runtime::KernelInit init{node, {}, options.opset, options.threads, options.output};
  init.slice = options.slice;
  std::vector<ir::Tensor> stored = inputs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    runtime::TensorInfo info;
    if (inputs[i].raw() != nullptr) {
      info.dtype = inputs[i].dtype();
      info.dims = inputs[i].dims();
      if (i == 0 && info.dims.size() == 4 && runtime::layout_valid(info.dims, options.input)) {
        info.layout = options.input;
        ir::Tensor t(info.dtype, info.dims);
        runtime::convert_layout(inputs[0].raw(), t.raw(), info.dims, ir::element_size(info.dtype), runtime::Layout::kPlain,
                                options.input);
        stored[0] = t;
      }
      if (i < options.constant.size() && options.constant[i]) info.constant = &stored[i];
    }
    init.inputs.push_back(info);
  }
  auto kernel = runtime::find_kernel(node.op_type, "")(init);
  const auto& info = kernel->output_infos().at(0);
  std::vector<ir::Tensor> outputs;
  for (const auto& o : kernel->output_infos()) outputs.emplace_back(o.dtype, o.dims);
  kernel->run(stored, outputs);
  // Run twice: a kernel must give the same result on every run (nothing consumed at run time).
  kernel->run(stored, outputs);
  ir::Tensor plain(info.dtype, info.dims);
  runtime::convert_layout(outputs[0].raw(), plain.raw(), info.dims, ir::element_size(info.dtype), info.layout,
                          runtime::Layout::kPlain);
  return plain;
}

/// The layout combinations every layout-aware kernel is tested with.
inline std::vector<std::pair<runtime::Layout, runtime::Layout>> layout_pairs() {
  using runtime::Layout;
  return {{Layout::kPlain, Layout::kPlain},   {Layout::kNhwc, Layout::kNhwc},     {Layout::kPlain, Layout::kNhwc},
          {Layout::kNhwc, Layout::kPlain},    {Layout::kNChw8c, Layout::kNChw8c}, {Layout::kPlain, Layout::kNChw8c},
          {Layout::kNChw8c, Layout::kPlain},  {Layout::kNChw16c, Layout::kNChw16c}};
}

}  // namespace ramiel::testing
