/// \file
/// Clip: min(max(x, lo), hi). Bounds are attributes before opset 11 and optional scalar inputs
/// from opset 11 on; constant bounds are read once, others on every run.

#include <algorithm>
#include <limits>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
class ClipKernel final : public Kernel {
 public:
  using C = compute_t<T>;

  /// `lo_input`/`hi_input`: input index of a non-constant bound, or 0 for a fixed bound.
  ClipKernel(const ir::Dims& dims, C lo, C hi, size_t lo_input, size_t hi_input)
      : lo_(lo), hi_(hi), lo_input_(lo_input), hi_input_(hi_input) {
    outputs_.push_back({dtype_of<T>(), dims});
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const C lo = lo_input_ ? widen(inputs[lo_input_].data<T>()[0]) : lo_;
    const C hi = hi_input_ ? widen(inputs[hi_input_].data<T>()[0]) : hi_;
    const T* x = inputs[0].data<T>();
    T* y = outputs[0].data<T>();
    const int64_t n = outputs[0].size();
    for (int64_t i = 0; i < n; ++i) y[i] = store_as<T>(std::min(std::max(widen(x[i]), lo), hi));
  }

 private:
  C lo_, hi_;
  size_t lo_input_, hi_input_;
};

}  // namespace

/// Clip: limits every element to [min, max].
std::unique_ptr<Kernel> create_clip_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_clip_kernel)) return deferred;
  check_input_count(init, 1, 3);
  const TensorInfo& x = init.inputs[0];
  for (size_t i = 1; i < init.inputs.size(); ++i) {
    if (!init.inputs[i].absent() && (init.inputs[i].dtype != x.dtype || ir::element_count(init.inputs[i].dims) != 1)) {
      throw_invalid(init, "bound input " + std::to_string(i) + " must be a scalar of the input's type");
    }
  }
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsNumeric<T>) {
      using C = compute_t<T>;
      C lo = std::numeric_limits<C>::lowest();
      C hi = std::numeric_limits<C>::max();
      if constexpr (kIsFloat<T>) {
        lo = -std::numeric_limits<C>::infinity();
        hi = std::numeric_limits<C>::infinity();
      }
      size_t lo_input = 0, hi_input = 0;
      if (init.opset < 11) {
        if (init.node.attribute("min")) lo = static_cast<C>(init.node.attr_float("min", 0.0f));
        if (init.node.attribute("max")) hi = static_cast<C>(init.node.attr_float("max", 0.0f));
      } else {
        auto bound = [&](size_t i, C& value, size_t& input) {
          if (!has_input(init, i)) return;
          if (init.inputs[i].constant) value = widen(init.inputs[i].constant->template data<T>()[0]);
          else input = i;
        };
        bound(1, lo, lo_input);
        bound(2, hi, hi_input);
      }
      return std::make_unique<ClipKernel<T>>(x.dims, lo, hi, lo_input, hi_input);
    } else {
      return nullptr;
    }
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
