/// \file
/// Det: determinants of the square matrices in the last two dims, by LU decomposition with
/// partial pivoting in double.

#include <cmath>
#include <utility>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
class DetKernel final : public Kernel {
 public:
  explicit DetKernel(const ir::Dims& x) : n_(x.back()) {
    ir::Dims out(x.begin(), x.end() - 2);
    outputs_.push_back({dtype_of<T>(), out});
    batch_ = ir::element_count(out);
    a_.resize(static_cast<size_t>(n_ * n_));
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const T* x = inputs[0].data<T>();
    T* y = outputs[0].data<T>();
    const auto n = static_cast<size_t>(n_);
    for (int64_t b = 0; b < batch_; ++b) {
      for (size_t i = 0; i < n * n; ++i) a_[i] = static_cast<double>(widen(x[static_cast<size_t>(b) * n * n + i]));
      double det = 1;
      for (size_t k = 0; k < n && det != 0; ++k) {
        size_t p = k;
        for (size_t i = k + 1; i < n; ++i)
          if (std::abs(a_[i * n + k]) > std::abs(a_[p * n + k])) p = i;
        if (a_[p * n + k] == 0) {
          det = 0;
          break;
        }
        if (p != k) {
          for (size_t j = 0; j < n; ++j) std::swap(a_[k * n + j], a_[p * n + j]);
          det = -det;
        }
        det *= a_[k * n + k];
        for (size_t i = k + 1; i < n; ++i) {
          const double f = a_[i * n + k] / a_[k * n + k];
          for (size_t j = k; j < n; ++j) a_[i * n + j] -= f * a_[k * n + j];
        }
      }
      y[b] = store_as<T>(static_cast<compute_t<T>>(det));
    }
  }

 private:
  int64_t n_, batch_ = 0;
  std::vector<double> a_;
};

}  // namespace

/// Det: determinant of each [N, N] matrix in the last two dims.
std::unique_ptr<Kernel> create_det_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_det_kernel)) return deferred;
  check_input_count(init, 1, 1);
  const TensorInfo& x = init.inputs[0];
  if (x.dims.size() < 2 || x.dims.back() != x.dims[x.dims.size() - 2]) throw_invalid(init, "input must end in square matrices");
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsFloat<T>) return std::make_unique<DetKernel<T>>(x.dims);
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
