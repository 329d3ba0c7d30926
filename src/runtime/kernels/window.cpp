/// \file
/// The window functions HannWindow, HammingWindow and BlackmanWindow: a 1-D tensor of `size`
/// cosine-sum coefficients (periodic or symmetric), of type output_datatype (float by default).
/// Dynamic unless `size` is constant.

#include <cmath>
#include <numbers>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

/// w[n] = a0 - a1 cos(2 pi n / N') + a2 cos(4 pi n / N'), N' = size (periodic) or size - 1.
struct CosineSum {
  double a0, a1, a2;
};

template <typename T>
class WindowKernel final : public Kernel {
 public:
  WindowKernel(CosineSum c, bool periodic, std::optional<int64_t> size, std::string label) : c_(c), periodic_(periodic), label_(std::move(label)) {
    TensorInfo out{dtype_of<T>(), size ? ir::Dims{*size} : ir::Dims{}};
    out.dynamic = !size;
    outputs_.push_back(out);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (outputs_[0].dynamic) {
      const int64_t n = ir::element_as_int64(inputs[0], 0);
      if (n < 0) throw_bad_input(label_ + ": size must not be negative");
      outputs[0] = ir::Tensor(dtype_of<T>(), {n});
    }
    const int64_t n = outputs[0].size();
    const double denom = static_cast<double>(periodic_ ? n : n - 1);
    T* y = outputs[0].data<T>();
    for (int64_t i = 0; i < n; ++i) {
      const double x = denom > 0 ? 2 * std::numbers::pi * static_cast<double>(i) / denom : 0.0;
      y[i] = convert<T>(c_.a0 - c_.a1 * std::cos(x) + c_.a2 * std::cos(2 * x));
    }
  }

 private:
  CosineSum c_;
  bool periodic_;
  std::string label_;
};

std::unique_ptr<Kernel> create_window(const KernelInit& init, CosineSum c) {
  check_input_count(init, 1, 1);
  const auto dtype = static_cast<ir::DataType>(init.node.attr_int("output_datatype", 1));
  const bool periodic = init.node.attr_int("periodic", 1) != 0;
  if (ir::element_count(init.inputs[0].dims) != 1) throw_invalid(init, "size must be a scalar");
  std::optional<int64_t> size;
  if (init.inputs[0].constant) {
    size = ir::element_as_int64(*init.inputs[0].constant, 0);
    if (*size < 0) throw_invalid(init, "size must not be negative");
  }
  auto kernel = visit_dtype(dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsNumeric<T>) return std::make_unique<WindowKernel<T>>(c, periodic, size, describe(init.node));
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, dtype, "output_datatype");
  return kernel;
}

}  // namespace

/// HannWindow: 0.5 - 0.5 cos(2 pi n / N').
std::unique_ptr<Kernel> create_hann_window_kernel(const KernelInit& init) { return create_window(init, {0.5, 0.5, 0.0}); }
/// HammingWindow: 25/46 - 21/46 cos(2 pi n / N').
std::unique_ptr<Kernel> create_hamming_window_kernel(const KernelInit& init) { return create_window(init, {25.0 / 46, 21.0 / 46, 0.0}); }
/// BlackmanWindow: 0.42 - 0.5 cos(2 pi n / N') + 0.08 cos(4 pi n / N').
std::unique_ptr<Kernel> create_blackman_window_kernel(const KernelInit& init) { return create_window(init, {0.42, 0.5, 0.08}); }

}  // namespace ramiel::runtime
