/// \file
/// CumSum: running sum along an axis (exclusive and reverse variants); the axis is a scalar input,
/// read on each run when it is not constant.

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
class CumSumKernel final : public Kernel {
 public:
  CumSumKernel(const ir::Dims& dims, std::optional<int64_t> axis, bool exclusive, bool reverse, std::string label)
      : dims_(dims), axis_(axis), exclusive_(exclusive), reverse_(reverse), label_(std::move(label)) {
    outputs_.push_back({dtype_of<T>(), dims});
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const auto rank = static_cast<int64_t>(dims_.size());
    int64_t axis = axis_ ? *axis_ : ir::element_as_int64(inputs[1], 0);
    if (axis < -rank || axis >= rank) throw_bad_input(label_ + ": axis " + std::to_string(axis) + " is out of range");
    if (axis < 0) axis += rank;
    int64_t outer = 1, n = 1, inner = 1;
    for (int64_t k = 0; k < rank; ++k) (k < axis ? outer : (k == axis ? n : inner)) *= dims_[static_cast<size_t>(k)];
    const T* x = inputs[0].data<T>();
    T* y = outputs[0].data<T>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t step = 0; step < n; ++step) {
        const int64_t k = reverse_ ? n - 1 - step : step;
        const int64_t prev = reverse_ ? k + 1 : k - 1;
        T* yr = y + (o * n + k) * inner;
        const T* xr = x + (o * n + k) * inner;
        if (step == 0) {
          for (int64_t i = 0; i < inner; ++i) yr[i] = exclusive_ ? store_as<T>(0) : xr[i];
        } else {
          const T* yp = y + (o * n + prev) * inner;
          const T* xp = x + (o * n + (exclusive_ ? prev : k)) * inner;
          for (int64_t i = 0; i < inner; ++i) yr[i] = store_as<T>(widen(yp[i]) + widen(xp[i]));
        }
      }
    }
  }

 private:
  ir::Dims dims_;
  std::optional<int64_t> axis_;
  bool exclusive_, reverse_;
  std::string label_;
};

}  // namespace

/// CumSum: y[k] = x[0] + ... + x[k] along the axis (x[k] left out when exclusive; from the end when reverse).
std::unique_ptr<Kernel> create_cum_sum_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_cum_sum_kernel)) return deferred;
  check_input_count(init, 2, 2);
  const TensorInfo& x = init.inputs[0];
  std::optional<int64_t> axis;
  if (init.inputs[1].constant) axis = normalize_axis(init, ir::element_as_int64(*init.inputs[1].constant, 0), static_cast<int64_t>(x.dims.size()));
  const bool exclusive = init.node.attr_int("exclusive", 0) != 0;
  const bool reverse = init.node.attr_int("reverse", 0) != 0;
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsNumeric<T>) return std::make_unique<CumSumKernel<T>>(x.dims, axis, exclusive, reverse, describe(init.node));
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
