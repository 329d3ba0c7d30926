/// \file
/// NonZero: the coordinates of the non-zero elements as int64 [rank, count], in row-major order.
/// The output is always dynamic.

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
class NonZeroKernel final : public Kernel {
 public:
  explicit NonZeroKernel(const ir::Dims& dims) : dims_(dims) {
    TensorInfo out{ir::DataType::kInt64, {}};
    out.dynamic = true;
    outputs_.push_back(out);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const T* x = inputs[0].data<T>();
    const int64_t total = inputs[0].size();
    int64_t count = 0;
    for (int64_t i = 0; i < total; ++i) count += widen(x[i]) != compute_t<T>(0) ? 1 : 0;
    const auto rank = static_cast<int64_t>(dims_.size());
    outputs[0] = ir::Tensor(ir::DataType::kInt64, {rank, count});
    int64_t* y = outputs[0].data<int64_t>();
    const std::vector<int64_t> strides = contiguous_strides(dims_);
    int64_t col = 0;
    for (int64_t i = 0; i < total; ++i) {
      if (widen(x[i]) == compute_t<T>(0)) continue;
      int64_t rest = i;
      for (int64_t d = 0; d < rank; ++d) {
        y[d * count + col] = rest / strides[static_cast<size_t>(d)];
        rest %= strides[static_cast<size_t>(d)];
      }
      ++col;
    }
  }

 private:
  ir::Dims dims_;
};

}  // namespace

/// NonZero: indices of the non-zero elements, one row per dimension.
std::unique_ptr<Kernel> create_non_zero_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, {ir::DataType::kInt64}, create_non_zero_kernel)) return deferred;
  check_input_count(init, 1, 1);
  const TensorInfo& x = init.inputs[0];
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    return std::make_unique<NonZeroKernel<T>>(x.dims);
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
