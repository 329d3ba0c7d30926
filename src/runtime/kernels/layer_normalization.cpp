/// \file
/// LayerNormalization (opset 17): normalises over the dims from `axis` on, then scales and shifts.
/// Statistics are computed in double for float inputs; Mean and InvStdDev are optional outputs of
/// the stash type (float).

#include <cmath>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
class LayerNormKernel final : public Kernel {
 public:
  using C = compute_t<T>;

  LayerNormKernel(const ir::Dims& x, size_t axis, float epsilon, const ir::Dims& scale, const ir::Dims* bias, size_t stat_outputs,
                  ir::DataType stash)
      : epsilon_(epsilon) {
    ir::Dims norm(x.begin() + static_cast<std::ptrdiff_t>(axis), x.end());
    for (size_t k = 0; k < x.size(); ++k) (k < axis ? rows_ : n_) *= x[k];
    scale_loop_.emplace(std::array<ir::Dims, 1>{scale}, norm);
    if (bias) bias_loop_.emplace(std::array<ir::Dims, 1>{*bias}, norm);
    scale_.resize(static_cast<size_t>(n_));
    bias_.resize(static_cast<size_t>(n_), C(0));
    outputs_.push_back({dtype_of<T>(), x});
    ir::Dims stat = x;
    for (size_t k = axis; k < stat.size(); ++k) stat[k] = 1;
    for (size_t i = 0; i < stat_outputs; ++i) outputs_.push_back({stash, stat});
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    expand(*scale_loop_, inputs[1].data<T>(), scale_.data());
    if (bias_loop_) expand(*bias_loop_, inputs[2].data<T>(), bias_.data());
    const T* x = inputs[0].data<T>();
    T* y = outputs[0].data<T>();
    float* mean_out = outputs.size() > 1 && outputs[1].raw() ? outputs[1].data<float>() : nullptr;
    float* inv_out = outputs.size() > 2 && outputs[2].raw() ? outputs[2].data<float>() : nullptr;
    for (int64_t r = 0; r < rows_; ++r) {
      const T* xr = x + r * n_;
      T* yr = y + r * n_;
      double sum = 0;
      for (int64_t j = 0; j < n_; ++j) sum += static_cast<double>(widen(xr[j]));
      const double mean = n_ ? sum / static_cast<double>(n_) : 0.0;
      double sq = 0;
      for (int64_t j = 0; j < n_; ++j) {
        const double d = static_cast<double>(widen(xr[j])) - mean;
        sq += d * d;
      }
      const double var = n_ ? sq / static_cast<double>(n_) : 0.0;
      const double inv = 1.0 / std::sqrt(var + static_cast<double>(epsilon_));
      const auto m = static_cast<C>(mean);
      const auto s = static_cast<C>(inv);
      for (int64_t j = 0; j < n_; ++j) yr[j] = store_as<T>((widen(xr[j]) - m) * s * scale_[static_cast<size_t>(j)] + bias_[static_cast<size_t>(j)]);
      if (mean_out) mean_out[r] = static_cast<float>(mean);
      if (inv_out) inv_out[r] = static_cast<float>(inv);
    }
  }

 private:
  static void expand(const BroadcastLoop<1>& loop, const T* src, C* dst) {
    loop.for_each([&](const std::array<int64_t, 1>& off, int64_t out, int64_t n, const std::array<int64_t, 1>& s) {
      for (int64_t j = 0; j < n; ++j) dst[out + j] = widen(src[off[0] + j * s[0]]);
    });
  }

  float epsilon_;
  int64_t rows_ = 1, n_ = 1;
  std::optional<BroadcastLoop<1>> scale_loop_, bias_loop_;
  std::vector<C> scale_, bias_;
};

}  // namespace

/// LayerNormalization: Y = (X - mean) / sqrt(var + epsilon) * Scale + B over dims [axis, rank).
std::unique_ptr<Kernel> create_layer_normalization_kernel(const KernelInit& init) {
  std::vector<ir::DataType> dtypes = dtypes_like_input(init, 0);
  for (size_t i = 1; i < init.node.outputs.size(); ++i) dtypes.push_back(ir::DataType::kFloat32);
  if (auto deferred = defer_if_dynamic(init, dtypes, create_layer_normalization_kernel)) return deferred;
  check_input_count(init, 2, 3);
  const TensorInfo& x = init.inputs[0];
  const auto axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("axis", -1), static_cast<int64_t>(x.dims.size())));
  const float epsilon = init.node.attr_float("epsilon", 1e-5f);
  if (init.node.attr_int("stash_type", 1) != 1) throw_unsupported(init, "stash_type other than float is not supported");
  ir::Dims norm(x.dims.begin() + static_cast<std::ptrdiff_t>(axis), x.dims.end());
  for (size_t i = 1; i < init.inputs.size(); ++i) {
    if (init.inputs[i].absent()) continue;
    if (init.inputs[i].dtype != x.dtype) throw_invalid(init, "input " + std::to_string(i) + " type differs from X");
    if (broadcast_dims(init, init.inputs[i].dims, norm) != norm) throw_invalid(init, "input " + std::to_string(i) + " does not broadcast to the normalised dims");
  }
  const size_t stats = init.node.outputs.size() > 1 ? init.node.outputs.size() - 1 : 0;
  const ir::Dims* bias = has_input(init, 2) ? &init.inputs[2].dims : nullptr;
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsFloat<T>) return std::make_unique<LayerNormKernel<T>>(x.dims, axis, epsilon, init.inputs[1].dims, bias, stats, ir::DataType::kFloat32);
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
