/// \file
/// DepthToSpace (DCR and CRD modes) and SpaceToDepth: a reshape to rank 6, a transpose and a
/// reshape back, done as one strided copy.

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

/// Copy plan for "view input as `split` dims, permute by `perm`, view as `out`".
CopyPlan permuted_copy(const ir::Dims& split, const std::vector<size_t>& perm, const ir::Dims& out, size_t esize) {
  std::vector<int64_t> s = contiguous_strides(split);
  ir::Dims dims;
  std::vector<int64_t> strides;
  for (size_t p : perm) {
    dims.push_back(split[p]);
    strides.push_back(s[p]);
  }
  return CopyPlan{out, StridedCopy(dims, strides, 0, esize)};
}

}  // namespace

/// DepthToSpace: moves channel blocks into blocksize x blocksize spatial tiles.
std::unique_ptr<Kernel> create_depth_to_space_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_depth_to_space_kernel)) return deferred;
  check_input_count(init, 1, 1);
  const ir::Dims& x = init.inputs[0].dims;
  const int64_t b = init.node.attr_int("blocksize", 0);
  const bool crd = init.node.attr_string("mode", "DCR") == "CRD";
  if (x.size() != 4 || b <= 0 || x[1] % (b * b) != 0) throw_invalid(init, "needs a 4-D input whose channels divide by blocksize^2");
  const size_t esize = element_size(init.inputs[0].dtype);
  return create_strided_copy_kernel(init, {}, [=](const ir::Dims& in, std::span<const ir::Tensor* const>) {
    const int64_t n = in[0], c = in[1] / (b * b), h = in[2], w = in[3];
    const ir::Dims out = {n, c, h * b, w * b};
    if (crd) return permuted_copy({n, c, b, b, h, w}, {0, 1, 4, 2, 5, 3}, out, esize);
    return permuted_copy({n, b, b, c, h, w}, {0, 3, 4, 1, 5, 2}, out, esize);
  });
}

/// SpaceToDepth: moves blocksize x blocksize spatial tiles into channels.
std::unique_ptr<Kernel> create_space_to_depth_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_space_to_depth_kernel)) return deferred;
  check_input_count(init, 1, 1);
  const ir::Dims& x = init.inputs[0].dims;
  const int64_t b = init.node.attr_int("blocksize", 0);
  if (x.size() != 4 || b <= 0 || x[2] % b != 0 || x[3] % b != 0) throw_invalid(init, "needs a 4-D input whose height and width divide by blocksize");
  const size_t esize = element_size(init.inputs[0].dtype);
  return create_strided_copy_kernel(init, {}, [=](const ir::Dims& in, std::span<const ir::Tensor* const>) {
    const int64_t n = in[0], c = in[1], h = in[2] / b, w = in[3] / b;
    return permuted_copy({n, c, h, b, w, b}, {0, 3, 5, 1, 2, 4}, {n, c * b * b, h, w}, esize);
  });
}

}  // namespace ramiel::runtime
