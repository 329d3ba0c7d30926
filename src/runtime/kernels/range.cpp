/// \file
/// Range: start, start + delta, ... up to (excluding) limit; dims known at creation when the three
/// scalar inputs are constant.

#include <cmath>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
int64_t range_count(T start, T limit, T delta) {
  if (delta == T(0)) throw_bad_input("delta is 0");
  if constexpr (std::is_integral_v<T>) {
    const auto diff = static_cast<int64_t>(limit) - static_cast<int64_t>(start);
    const auto d = static_cast<int64_t>(delta);
    const int64_t n = diff / d + ((diff % d != 0 && ((diff < 0) == (d < 0))) ? 1 : 0);
    return n > 0 ? n : 0;
  } else {
    const double n = std::ceil(static_cast<double>((limit - start) / delta));
    return n > 0 ? static_cast<int64_t>(n) : 0;
  }
}

template <typename T>
class RangeKernel final : public Kernel {
 public:
  RangeKernel(std::optional<int64_t> count, std::string label) : label_(std::move(label)) {
    TensorInfo out{dtype_of<T>(), count ? ir::Dims{*count} : ir::Dims{}};
    out.dynamic = !count;
    outputs_.push_back(out);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const T start = inputs[0].data<T>()[0], limit = inputs[1].data<T>()[0], delta = inputs[2].data<T>()[0];
    if (outputs_[0].dynamic) {
      int64_t n = with_label(label_, [&] { return range_count(start, limit, delta); });
      outputs[0] = ir::Tensor(dtype_of<T>(), {n});
    }
    T* o = outputs[0].data<T>();
    const int64_t n = outputs[0].size();
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(start + static_cast<T>(i) * delta);
  }

 private:
  std::string label_;
};

}  // namespace

/// Range: a 1-D tensor of ceil((limit - start) / delta) elements.
std::unique_ptr<Kernel> create_range_kernel(const KernelInit& init) {
  check_input_count(init, 3, 3);
  const ir::DataType dtype = init.inputs[0].dtype;
  for (const TensorInfo& in : init.inputs) {
    if (in.dtype != dtype || ir::element_count(in.dims) != 1) throw_invalid(init, "inputs must be scalars of one type");
  }
  auto kernel = visit_dtype(dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, int16_t> ||
                  std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
      std::optional<int64_t> count;
      if (auto c = constant_inputs(init, {0, 1, 2})) {
        try {
          count = range_count((*c)[0]->data<T>()[0], (*c)[1]->data<T>()[0], (*c)[2]->data<T>()[0]);
        } catch (const Error& e) {
          rethrow_for_node(init, e);
        }
      }
      return std::make_unique<RangeKernel<T>>(count, describe(init.node));
    } else {
      return nullptr;
    }
  });
  if (!kernel) throw_unsupported_type(init, dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
