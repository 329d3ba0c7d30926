/// \file
/// Hardmax: 1 at the first maximum along an axis, 0 elsewhere. From opset 13 along `axis`
/// (default -1); before, over the 2-D view [prod(dims[:axis]), prod(dims[axis:])] (default axis 1).

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
class HardmaxKernel final : public Kernel {
 public:
  HardmaxKernel(const ir::Dims& dims, int64_t outer, int64_t n, int64_t inner) : outer_(outer), n_(n), inner_(inner) {
    outputs_.push_back({dtype_of<T>(), dims});
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const T* x = inputs[0].data<T>();
    T* y = outputs[0].data<T>();
    for (int64_t i = 0; i < outputs[0].size(); ++i) y[i] = store_as<T>(0);
    for (int64_t o = 0; o < outer_; ++o) {
      for (int64_t i = 0; i < inner_; ++i) {
        const int64_t base = o * n_ * inner_ + i;
        int64_t best = 0;
        for (int64_t j = 1; j < n_; ++j) {
          if (widen(x[base + j * inner_]) > widen(x[base + best * inner_])) best = j;
        }
        if (n_ > 0) y[base + best * inner_] = store_as<T>(1);
      }
    }
  }

 private:
  int64_t outer_, n_, inner_;
};

}  // namespace

/// Hardmax: one-hot of the argmax.
std::unique_ptr<Kernel> create_hardmax_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_hardmax_kernel)) return deferred;
  check_input_count(init, 1, 1);
  const TensorInfo& x = init.inputs[0];
  const auto rank = static_cast<int64_t>(x.dims.size());
  int64_t outer = 1, n = 1, inner = 1;
  if (init.opset >= 13) {
    const int64_t axis = normalize_axis(init, init.node.attr_int("axis", -1), rank);
    for (int64_t k = 0; k < rank; ++k) (k < axis ? outer : (k == axis ? n : inner)) *= x.dims[static_cast<size_t>(k)];
  } else {
    int64_t axis = init.node.attr_int("axis", 1);
    if (axis < -rank || axis > rank) throw_invalid(init, "axis is out of range");
    if (axis < 0) axis += rank;
    for (int64_t k = 0; k < rank; ++k) (k < axis ? outer : n) *= x.dims[static_cast<size_t>(k)];
  }
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsFloat<T>) return std::make_unique<HardmaxKernel<T>>(x.dims, outer, n, inner);
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
