/// \file
/// Linear quantisation: QuantizeLinear and DequantizeLinear (per-tensor or per-axis scale and
/// zero point) and DynamicQuantizeLinear (uint8, scale and zero point from the data's range).
/// Rounding is half to even; results saturate to the integer type.

#include <algorithm>
#include <cmath>
#include <limits>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename Q> Q saturate(double v) {
  const double lo = std::numeric_limits<Q>::lowest(), hi = std::numeric_limits<Q>::max();
  return static_cast<Q>(std::clamp(std::nearbyint(v), lo, hi));
}

/// [outer, channels, inner] view for a per-axis scale (channels = 1 for a scalar scale).
struct AxisSplit {
  int64_t outer = 1, channels = 1, inner = 1;
};

AxisSplit split_for(const KernelInit& init, const ir::Dims& x, const ir::Dims& scale) {
  AxisSplit s;
  if (ir::element_count(scale) == 1) {
    s.inner = ir::element_count(x);
    return s;
  }
  const auto axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("axis", 1), static_cast<int64_t>(x.size())));
  if (scale.size() != 1 || scale[0] != x[axis]) throw_invalid(init, "a per-axis scale must be 1-D with one entry per channel");
  for (size_t k = 0; k < x.size(); ++k) {
    if (k < axis) s.outer *= x[k];
    if (k > axis) s.inner *= x[k];
  }
  s.channels = x[axis];
  return s;
}

template <typename F, typename Q>
class QuantizeKernel final : public Kernel {
 public:
  QuantizeKernel(const ir::Dims& x, AxisSplit s) : s_(s) { outputs_.push_back({dtype_of<Q>(), x}); }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const F* x = inputs[0].data<F>();
    const F* scale = inputs[1].data<F>();
    const Q* zp = inputs.size() > 2 && inputs[2].raw() ? inputs[2].data<Q>() : nullptr;
    Q* y = outputs[0].data<Q>();
    for (int64_t o = 0; o < s_.outer; ++o) {
      for (int64_t c = 0; c < s_.channels; ++c) {
        // The division happens in the input's type, as ONNX's reference does (ties round alike).
        const auto sc = widen(scale[c]);
        const double z = zp ? static_cast<double>(zp[c]) : 0.0;
        const int64_t base = (o * s_.channels + c) * s_.inner;
        for (int64_t i = 0; i < s_.inner; ++i) y[base + i] = saturate<Q>(static_cast<double>(std::nearbyint(widen(x[base + i]) / sc)) + z);
      }
    }
  }

 private:
  AxisSplit s_;
};

template <typename Q, typename F>
class DequantizeKernel final : public Kernel {
 public:
  DequantizeKernel(const ir::Dims& x, AxisSplit s) : s_(s) { outputs_.push_back({dtype_of<F>(), x}); }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const Q* x = inputs[0].data<Q>();
    const F* scale = inputs[1].data<F>();
    const Q* zp = inputs.size() > 2 && inputs[2].raw() ? inputs[2].data<Q>() : nullptr;
    F* y = outputs[0].data<F>();
    for (int64_t o = 0; o < s_.outer; ++o) {
      for (int64_t c = 0; c < s_.channels; ++c) {
        const auto sc = widen(scale[c]);
        const auto z = zp ? static_cast<int64_t>(zp[c]) : 0;
        const int64_t base = (o * s_.channels + c) * s_.inner;
        for (int64_t i = 0; i < s_.inner; ++i) y[base + i] = store_as<F>(static_cast<compute_t<F>>(static_cast<int64_t>(x[base + i]) - z) * sc);
      }
    }
  }

 private:
  AxisSplit s_;
};

/// uint8 quantisation with scale = (max(0, x) - min(0, x)) / 255.
class DynamicQuantizeKernel final : public Kernel {
 public:
  explicit DynamicQuantizeKernel(const ir::Dims& x) {
    outputs_.push_back({ir::DataType::kUint8, x});
    outputs_.push_back({ir::DataType::kFloat32, {}});
    outputs_.push_back({ir::DataType::kUint8, {}});
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const float* x = inputs[0].data<float>();
    const int64_t n = inputs[0].size();
    float lo = 0, hi = 0;
    for (int64_t i = 0; i < n; ++i) {
      lo = std::min(lo, x[i]);
      hi = std::max(hi, x[i]);
    }
    const float scale = (hi - lo) / 255.0f;
    const uint8_t zp = scale == 0 ? 0 : saturate<uint8_t>(static_cast<double>(-lo / scale));
    uint8_t* y = outputs[0].data<uint8_t>();
    for (int64_t i = 0; i < n; ++i) y[i] = scale == 0 ? zp : saturate<uint8_t>(std::nearbyint(static_cast<double>(x[i] / scale)) + zp);
    if (outputs.size() > 1 && outputs[1].raw()) outputs[1].data<float>()[0] = scale;
    if (outputs.size() > 2 && outputs[2].raw()) outputs[2].data<uint8_t>()[0] = zp;
  }
};

}  // namespace

/// QuantizeLinear: saturate(round(x / scale) + zero_point) as the zero point's type (uint8 by default).
std::unique_ptr<Kernel> create_quantize_linear_kernel(const KernelInit& init) {
  const ir::DataType q = has_input(init, 2) ? init.inputs[2].dtype : ir::DataType::kUint8;
  if (auto deferred = defer_if_dynamic(init, {q}, create_quantize_linear_kernel)) return deferred;
  check_input_count(init, 2, 3);
  const TensorInfo& x = init.inputs[0];
  const AxisSplit s = split_for(init, x.dims, init.inputs[1].dims);
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto ft) -> std::unique_ptr<Kernel> {
    using F = typename decltype(ft)::type;
    if constexpr (kIsFloat<F> || std::is_same_v<F, int32_t>) {
      if (q == ir::DataType::kUint8) return std::make_unique<QuantizeKernel<F, uint8_t>>(x.dims, s);
      if (q == ir::DataType::kInt8) return std::make_unique<QuantizeKernel<F, int8_t>>(x.dims, s);
    }
    return nullptr;
  });
  if (!kernel) throw_unsupported(init, "quantising " + type_name(x.dtype) + " to " + type_name(q) + " is not supported");
  return kernel;
}

/// DequantizeLinear: (x - zero_point) * scale as the scale's type.
std::unique_ptr<Kernel> create_dequantize_linear_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 1), create_dequantize_linear_kernel)) return deferred;
  check_input_count(init, 2, 3);
  const TensorInfo& x = init.inputs[0];
  const AxisSplit s = split_for(init, x.dims, init.inputs[1].dims);
  const ir::DataType f = init.inputs[1].dtype;
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto qt) -> std::unique_ptr<Kernel> {
    using Q = typename decltype(qt)::type;
    if constexpr (std::is_same_v<Q, uint8_t> || std::is_same_v<Q, int8_t> || std::is_same_v<Q, int32_t>) {
      if (f == ir::DataType::kFloat32) return std::make_unique<DequantizeKernel<Q, float>>(x.dims, s);
      if (f == ir::DataType::kFloat16) return std::make_unique<DequantizeKernel<Q, Float16>>(x.dims, s);
    }
    return nullptr;
  });
  if (!kernel) throw_unsupported(init, "dequantising " + type_name(x.dtype) + " to " + type_name(f) + " is not supported");
  return kernel;
}

/// DynamicQuantizeLinear: uint8 data, its scale and zero point.
std::unique_ptr<Kernel> create_dynamic_quantize_linear_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, {ir::DataType::kUint8, ir::DataType::kFloat32, ir::DataType::kUint8}, create_dynamic_quantize_linear_kernel)) {
    return deferred;
  }
  check_input_count(init, 1, 1);
  if (init.inputs[0].dtype != ir::DataType::kFloat32) throw_unsupported_type(init, init.inputs[0].dtype, "input 0");
  return std::make_unique<DynamicQuantizeKernel>(init.inputs[0].dims);
}

}  // namespace ramiel::runtime
