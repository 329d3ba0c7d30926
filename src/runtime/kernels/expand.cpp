/// \file
/// Expand: broadcasts input 0 against the `shape` input (numpy rules), as a strided copy.

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {

/// Expand: input 0 broadcast to broadcast(dims, shape).
std::unique_ptr<Kernel> create_expand_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_expand_kernel)) return deferred;
  check_input_count(init, 2, 2);
  size_t esize = element_size(init.inputs[0].dtype);
  return create_strided_copy_kernel(init, {1}, [esize](const ir::Dims& in, std::span<const ir::Tensor* const> d) {
    std::vector<int64_t> shape = read_int64s(*d[0]);
    size_t r = std::max(in.size(), shape.size());
    ir::Dims out(r);
    for (size_t k = 0; k < r; ++k) {
      int64_t a = k + in.size() >= r ? in[k + in.size() - r] : 1;
      int64_t b = k + shape.size() >= r ? shape[k + shape.size() - r] : 1;
      if (a != b && a != 1 && b != 1) throw_bad_input("cannot expand " + ir::to_string(in) + " to " + ir::to_string(shape));
      out[k] = a == 1 ? b : a;
    }
    return CopyPlan{out, StridedCopy(out, broadcast_strides(in, out), 0, esize)};
  });
}

}  // namespace ramiel::runtime
