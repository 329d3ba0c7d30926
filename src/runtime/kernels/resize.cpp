/// \file
/// Resize (opsets 10-13+) and Upsample: nearest (round_prefer_floor, round_prefer_ceil, floor,
/// ceil), linear and cubic interpolation with every coordinate_transformation_mode (half_pixel,
/// pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nn, tf_crop_and_resize),
/// exclude_outside and extrapolation_value; output dims from `scales` or `sizes` (dynamic when they
/// are not constant).
///
/// Each axis gets a table of taps (input indices and weights) per output index, following ONNX's
/// reference implementation. Nearest is one gather over all axes; linear and cubic are separable:
/// one pass per resized axis, in the compute type.

#include <algorithm>
#include <cmath>
#include <cstring>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

enum class Mode { kNearest, kLinear, kCubic };
enum class Transform { kHalfPixel, kPytorchHalfPixel, kAlignCorners, kAsymmetric, kTfHalfPixelForNn, kTfCropAndResize };
enum class Rounding { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil };

/// Attributes that shape the taps.
struct ResizeAttrs {
  Mode mode = Mode::kNearest;
  Transform transform = Transform::kHalfPixel;
  Rounding rounding = Rounding::kRoundPreferFloor;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  double extrapolation = 0.0;
};

/// Per-axis taps: output index j reads idx[j * n + t] with weight w[j * n + t]; extrapolate[j]
/// marks outputs that take the extrapolation value.
struct AxisTaps {
  int64_t in = 0, out = 0;
  int n = 1;
  std::vector<int64_t> idx;
  std::vector<double> w;
  std::vector<uint8_t> extrapolate;
  bool identity = false;
};

/// Output dims and the taps of every axis.
struct ResizePlan {
  ir::Dims out;
  std::vector<AxisTaps> axes;
};

AxisTaps axis_taps(int64_t in, int64_t out, double scale, double roi_start, double roi_end, const ResizeAttrs& a) {
  AxisTaps t;
  t.in = in;
  t.out = out;
  t.n = a.mode == Mode::kCubic ? 4 : (a.mode == Mode::kLinear ? 2 : 1);
  const double width = scale * static_cast<double>(in);  // the reference's (fractional) output width
  const auto fin = static_cast<double>(in);
  t.identity = in == out;
  for (int64_t j = 0; j < out; ++j) {
    const auto x = static_cast<double>(j);
    double xo = 0;
    bool extrapolate = false;
    switch (a.transform) {
      case Transform::kHalfPixel: xo = (x + 0.5) / scale - 0.5; break;
      case Transform::kPytorchHalfPixel: xo = width == 1.0 ? -0.5 : (x + 0.5) / scale - 0.5; break;
      case Transform::kAlignCorners: xo = width == 1.0 ? 0.0 : x * (fin - 1) / (width - 1); break;
      case Transform::kAsymmetric: xo = x / scale; break;
      case Transform::kTfHalfPixelForNn: xo = (x + 0.5) / scale; break;
      case Transform::kTfCropAndResize:
        xo = width == 1.0 ? (roi_end - roi_start) * (fin - 1) / 2 : x * (roi_end - roi_start) * (fin - 1) / (width - 1);
        xo += roi_start * (fin - 1);
        extrapolate = xo < 0 || xo > fin - 1;
        break;
    }
    t.extrapolate.push_back(extrapolate ? 1 : 0);
    // As the reference: an integral coordinate uses the pair (x - 1, x) with ratio 1.
    auto base = static_cast<int64_t>(std::floor(xo));
    double ratio = xo - static_cast<double>(base);
    if (ratio == 0.0) {
      base -= 1;
      ratio = 1.0;
    }
    double c[4] = {0, 0, 0, 0};
    int64_t first = base;
    if (a.mode == Mode::kNearest) {
      bool upper;
      if (ratio == 1.0) upper = true;
      else if (a.rounding == Rounding::kRoundPreferFloor) upper = ratio > 0.5;
      else if (a.rounding == Rounding::kRoundPreferCeil) upper = ratio >= 0.5;
      else upper = a.rounding == Rounding::kCeil;
      first = base + (upper ? 1 : 0);
      c[0] = 1;
    } else if (a.mode == Mode::kLinear) {
      c[0] = 1 - ratio;
      c[1] = ratio;
    } else {
      const double A = a.cubic_a, r = ratio, s = 1 - ratio;
      c[0] = ((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A;
      c[1] = ((A + 2) * r - (A + 3)) * r * r + 1;
      c[2] = ((A + 2) * s - (A + 3)) * s * s + 1;
      c[3] = ((A * (s + 1) - 5 * A) * (s + 1) + 8 * A) * (s + 1) - 4 * A;
      first = base - 1;
    }
    if (a.exclude_outside && t.n > 1) {
      double sum = 0;
      for (int k = 0; k < t.n; ++k) {
        const int64_t i = first + k;
        if (i < 0 || i >= in) c[k] = 0;
        sum += c[k];
      }
      if (sum != 0)
        for (int k = 0; k < t.n; ++k) c[k] /= sum;
    }
    for (int k = 0; k < t.n; ++k) {
      t.idx.push_back(std::clamp<int64_t>(first + k, 0, std::max<int64_t>(in - 1, 0)));
      t.w.push_back(c[k]);
    }
  }
  // An unchanged axis whose taps put weight 1 on the same index needs no pass.
  for (int64_t j = 0; j < out && t.identity; ++j) {
    double on_j = 0;
    for (int k = 0; k < t.n; ++k) {
      const auto at = static_cast<size_t>(j * t.n + k);
      if (t.idx[at] == j) on_j += t.w[at];
      else if (t.w[at] != 0.0) t.identity = false;
    }
    t.identity = t.identity && !t.extrapolate[static_cast<size_t>(j)] && on_j == 1.0;
  }
  return t;
}

/// Builds the plan from the input dims and the roi/scales/sizes data (nullptr when absent).
ResizePlan resize_plan(const ir::Dims& in, const ResizeAttrs& a, const ir::Tensor* roi, const ir::Tensor* scales,
                       const ir::Tensor* sizes) {
  const size_t r = in.size();
  std::vector<double> scale(r, 1.0);
  ResizePlan p;
  p.out = in;
  if (sizes && sizes->size() > 0) {
    if (static_cast<size_t>(sizes->size()) != r) throw_bad_input("sizes has " + std::to_string(sizes->size()) + " entries for rank " + std::to_string(r));
    for (size_t k = 0; k < r; ++k) {
      p.out[k] = ir::element_as_int64(*sizes, static_cast<int64_t>(k));
      if (p.out[k] < 0) throw_bad_input("sizes must not be negative");
      scale[k] = in[k] == 0 ? 1.0 : static_cast<double>(p.out[k]) / static_cast<double>(in[k]);
    }
  } else if (scales && scales->size() > 0) {
    if (static_cast<size_t>(scales->size()) != r) throw_bad_input("scales has " + std::to_string(scales->size()) + " entries for rank " + std::to_string(r));
    for (size_t k = 0; k < r; ++k) {
      scale[k] = static_cast<double>(element_as<float>(*scales, static_cast<int64_t>(k)));
      if (!(scale[k] > 0)) throw_bad_input("scales must be positive");
      p.out[k] = static_cast<int64_t>(std::floor(scale[k] * static_cast<double>(in[k])));
    }
  } else {
    throw_bad_input("needs scales or sizes");
  }
  for (size_t k = 0; k < r; ++k) {
    double start = 0, end = 1;
    if (roi && static_cast<size_t>(roi->size()) == 2 * r) {
      start = element_as<double>(*roi, static_cast<int64_t>(k));
      end = element_as<double>(*roi, static_cast<int64_t>(k + r));
    }
    p.axes.push_back(axis_taps(in[k], p.out[k], scale[k], start, end, a));
  }
  return p;
}

template <typename T>
class ResizeKernel final : public Kernel {
 public:
  using C = compute_t<T>;

  ResizeKernel(const ir::Dims& in, const ResizeAttrs& attrs, std::optional<ResizePlan> plan, std::vector<size_t> data_inputs,
               std::string label)
      : in_(in), in_strides_(contiguous_strides(in)), attrs_(attrs), plan_(std::move(plan)), data_inputs_(std::move(data_inputs)), label_(std::move(label)) {
    TensorInfo out{dtype_of<T>(), plan_ ? plan_->out : ir::Dims{}};
    out.dynamic = !plan_;
    outputs_.push_back(out);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (!plan_) {
      std::vector<const ir::Tensor*> d = run_inputs(inputs, data_inputs_);
      ResizePlan plan = with_label(label_, [&] { return resize_plan(in_, attrs_, d[0], d[1], d[2]); });
      outputs[0] = ir::Tensor(dtype_of<T>(), plan.out);
      resize(plan, inputs[0].data<T>(), outputs[0].data<T>());
      return;
    }
    resize(*plan_, inputs[0].data<T>(), outputs[0].data<T>());
  }

 private:
  void resize(const ResizePlan& p, const T* x, T* y) {
    if (ir::element_count(p.out) == 0) return;
    if (attrs_.mode == Mode::kNearest) {
      nearest(p, x, y);
      return;
    }
    if constexpr (kIsFloat<T>) {
      interpolate(p, x, y);
    }
  }

  /// One gather over all axes: output row by row, the last axis through its index table.
  void nearest(const ResizePlan& p, const T* x, T* y) const {
    const size_t r = p.out.size();
    if (r == 0) {
      y[0] = x[0];
      return;
    }
    const T fill = convert<T>(attrs_.extrapolation);
    const std::vector<int64_t>& strides = in_strides_;
    const AxisTaps& last = p.axes[r - 1];
    const int64_t inner = p.out[r - 1];
    const int64_t total = ir::element_count(p.out);
    std::array<int64_t, kMaxLoopRank> pos{};
    for (int64_t row = 0; row < total; row += inner) {
      int64_t src = 0;
      bool out_of_range = false;
      for (size_t k = 0; k + 1 < r; ++k) {
        const AxisTaps& a = p.axes[k];
        const auto j = static_cast<size_t>(pos[k]);
        out_of_range = out_of_range || a.extrapolate[j];
        src += a.idx[j] * strides[k];
      }
      T* yr = y + row;
      for (int64_t j = 0; j < inner; ++j) {
        const auto u = static_cast<size_t>(j);
        yr[j] = (out_of_range || last.extrapolate[u]) ? fill : x[src + last.idx[u]];
      }
      for (size_t k = r - 1; k-- > 0;) {
        if (++pos[k] < p.out[k]) break;
        pos[k] = 0;
      }
    }
  }

  /// Separable linear/cubic interpolation, one pass per axis that changes (last axis first).
  void interpolate(const ResizePlan& p, const T* x, T* y) {
    const size_t r = p.out.size();
    std::vector<size_t> passes;
    for (size_t k = r; k-- > 0;)
      if (!p.axes[k].identity) passes.push_back(k);
    ir::Dims cur = in_;
    const int64_t in_total = ir::element_count(in_);
    a_.resize(static_cast<size_t>(in_total));
    for (int64_t i = 0; i < in_total; ++i) a_[static_cast<size_t>(i)] = widen(x[i]);
    for (size_t axis : passes) {
      const AxisTaps& t = p.axes[axis];
      int64_t outer = 1, inner = 1;
      for (size_t k = 0; k < r; ++k) {
        if (k < axis) outer *= cur[k];
        if (k > axis) inner *= cur[k];
      }
      cur[axis] = t.out;
      b_.assign(static_cast<size_t>(outer * t.out * inner), C(0));
      const auto fill = static_cast<C>(attrs_.extrapolation);
      for (int64_t o = 0; o < outer; ++o) {
        const C* src = a_.data() + o * t.in * inner;
        C* dst = b_.data() + o * t.out * inner;
        for (int64_t j = 0; j < t.out; ++j) {
          C* d = dst + j * inner;
          if (t.extrapolate[static_cast<size_t>(j)]) {
            std::fill(d, d + inner, fill);
            continue;
          }
          for (int k = 0; k < t.n; ++k) {
            const auto at = static_cast<size_t>(j * t.n + k);
            const auto w = static_cast<C>(t.w[at]);
            if (w == C(0)) continue;
            const C* s = src + t.idx[at] * inner;
            for (int64_t i = 0; i < inner; ++i) d[i] += w * s[i];
          }
        }
      }
      std::swap(a_, b_);
    }
    const int64_t total = ir::element_count(p.out);
    for (int64_t i = 0; i < total; ++i) y[i] = store_as<T>(a_[static_cast<size_t>(i)]);
  }

  ir::Dims in_;
  std::vector<int64_t> in_strides_;
  ResizeAttrs attrs_;
  std::optional<ResizePlan> plan_;
  std::vector<size_t> data_inputs_;
  std::string label_;
  std::vector<C> a_, b_;
};

ResizeAttrs read_attrs(const KernelInit& init, bool legacy) {
  ResizeAttrs a;
  const ir::Node& n = init.node;
  std::string mode = n.attr_string("mode", "nearest");
  if (mode == "nearest") a.mode = Mode::kNearest;
  else if (mode == "linear" || mode == "bilinear") a.mode = Mode::kLinear;
  else if (mode == "cubic") a.mode = Mode::kCubic;
  else throw_unsupported(init, "mode '" + mode + "' is not supported");
  if (legacy) {  // Upsample and Resize-10: asymmetric coordinates, nearest rounds down
    a.transform = Transform::kAsymmetric;
    a.rounding = Rounding::kFloor;
    return a;
  }
  std::string t = n.attr_string("coordinate_transformation_mode", "half_pixel");
  if (t == "half_pixel") a.transform = Transform::kHalfPixel;
  else if (t == "pytorch_half_pixel") a.transform = Transform::kPytorchHalfPixel;
  else if (t == "align_corners") a.transform = Transform::kAlignCorners;
  else if (t == "asymmetric") a.transform = Transform::kAsymmetric;
  else if (t == "tf_half_pixel_for_nn") a.transform = Transform::kTfHalfPixelForNn;
  else if (t == "tf_crop_and_resize") a.transform = Transform::kTfCropAndResize;
  else throw_unsupported(init, "coordinate_transformation_mode '" + t + "' is not supported");
  std::string r = n.attr_string("nearest_mode", "round_prefer_floor");
  if (r == "round_prefer_floor") a.rounding = Rounding::kRoundPreferFloor;
  else if (r == "round_prefer_ceil") a.rounding = Rounding::kRoundPreferCeil;
  else if (r == "floor") a.rounding = Rounding::kFloor;
  else if (r == "ceil") a.rounding = Rounding::kCeil;
  else throw_unsupported(init, "nearest_mode '" + r + "' is not supported");
  a.cubic_a = n.attr_float("cubic_coeff_a", -0.75f);
  a.exclude_outside = n.attr_int("exclude_outside", 0) != 0;
  a.extrapolation = n.attr_float("extrapolation_value", 0.0f);
  if (n.attr_int("antialias", 0) != 0) throw_unsupported(init, "antialias is not supported");
  if (n.attribute("axes")) throw_unsupported(init, "the axes attribute is not supported");
  return a;
}

/// `data_inputs`: input indices of roi, scales and sizes (a missing one: past the end).
std::unique_ptr<Kernel> create_resize_like(const KernelInit& init, const ResizeAttrs& attrs, std::vector<size_t> data_inputs,
                                           const std::vector<float>* scales_attr) {
  const TensorInfo& x = init.inputs[0];
  if (x.dims.size() > kMaxLoopRank) throw_unsupported(init, "rank above 16 is not supported");
  std::optional<ResizePlan> plan;
  try {
    if (scales_attr) {
      ir::Tensor s = ir::Tensor::from(ir::DataType::kFloat32, {static_cast<int64_t>(scales_attr->size())}, *scales_attr);
      plan = resize_plan(x.dims, attrs, nullptr, &s, nullptr);
    } else if (auto d = constant_inputs(init, data_inputs)) {
      plan = resize_plan(x.dims, attrs, (*d)[0], (*d)[1], (*d)[2]);
    }
  } catch (const Error& e) {
    rethrow_for_node(init, e);
  }
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if (attrs.mode != Mode::kNearest && !kIsFloat<T>) return nullptr;
    return std::make_unique<ResizeKernel<T>>(x.dims, attrs, plan, data_inputs, describe(init.node));
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace

/// Resize: scales or resizes every axis by interpolation.
std::unique_ptr<Kernel> create_resize_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_resize_kernel)) return deferred;
  if (init.opset < 11) {
    check_input_count(init, 2, 2);
    return create_resize_like(init, read_attrs(init, true), {99, 1, 99}, nullptr);
  }
  check_input_count(init, 1, 4);
  return create_resize_like(init, read_attrs(init, false), {1, 2, 3}, nullptr);
}

/// Upsample (deprecated): nearest or linear resize by scales (attribute in opset 7, input from 9).
std::unique_ptr<Kernel> create_upsample_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_upsample_kernel)) return deferred;
  const ResizeAttrs attrs = read_attrs(init, true);
  if (init.opset < 9) {
    check_input_count(init, 1, 1);
    std::vector<float> scales = init.node.attr_floats("scales");
    return create_resize_like(init, attrs, {}, &scales);
  }
  check_input_count(init, 2, 2);
  return create_resize_like(init, attrs, {99, 1, 99}, nullptr);
}

}  // namespace ramiel::runtime
