/// \file
/// Tile: repeats input 0 along each axis. Seen as a strided copy of rank 2r: output dims
/// [rep0, d0, rep1, d1, ...] read the input with strides [0, s0, 0, s1, ...].

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {

/// Tile: output dim k is dims[k] * repeats[k].
std::unique_ptr<Kernel> create_tile_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_tile_kernel)) return deferred;
  check_input_count(init, 2, 2);
  size_t esize = element_size(init.inputs[0].dtype);
  return create_strided_copy_kernel(init, {1}, [esize](const ir::Dims& in, std::span<const ir::Tensor* const> d) {
    std::vector<int64_t> repeats = read_int64s(*d[0]);
    if (repeats.size() != in.size()) throw_bad_input("repeats has " + std::to_string(repeats.size()) + " entries for rank " + std::to_string(in.size()));
    std::vector<int64_t> in_strides = contiguous_strides(in);
    ir::Dims out(in.size()), split;
    std::vector<int64_t> strides;
    for (size_t k = 0; k < in.size(); ++k) {
      if (repeats[k] < 0) throw_bad_input("repeats must not be negative");
      out[k] = in[k] * repeats[k];
      split.insert(split.end(), {repeats[k], in[k]});
      strides.insert(strides.end(), {0, in_strides[k]});
    }
    return CopyPlan{out, StridedCopy(split, strides, 0, esize)};
  });
}

}  // namespace ramiel::runtime
