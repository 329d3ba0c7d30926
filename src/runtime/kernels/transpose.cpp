/// \file
/// Transpose: permutes the dimensions (reversed by default) with one strided copy.

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {

/// Transpose: output dim i is input dim perm[i].
std::unique_ptr<Kernel> create_transpose_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_transpose_kernel)) return deferred;
  check_input_count(init, 1, 1);
  const ir::Dims& in = init.inputs[0].dims;
  const auto rank = static_cast<int64_t>(in.size());
  std::vector<int64_t> perm = init.node.attr_ints("perm");
  if (!init.node.attribute("perm")) {
    for (int64_t k = rank - 1; k >= 0; --k) perm.push_back(k);
  }
  if (static_cast<int64_t>(perm.size()) != rank) throw_invalid(init, "perm has " + std::to_string(perm.size()) + " entries for rank " + std::to_string(rank));
  perm = normalize_axes(init, perm, rank);
  size_t esize = element_size(init.inputs[0].dtype);
  return create_strided_copy_kernel(init, {}, [perm, esize](const ir::Dims& dims, std::span<const ir::Tensor* const>) {
    std::vector<int64_t> in_strides = contiguous_strides(dims);
    ir::Dims out(perm.size());
    std::vector<int64_t> strides(perm.size());
    for (size_t k = 0; k < perm.size(); ++k) {
      out[k] = dims[static_cast<size_t>(perm[k])];
      strides[k] = in_strides[static_cast<size_t>(perm[k])];
    }
    return CopyPlan{out, StridedCopy(out, strides, 0, esize)};
  });
}

}  // namespace ramiel::runtime
