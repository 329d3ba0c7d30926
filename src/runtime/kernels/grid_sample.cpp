/// \file
/// GridSample (opset 16, 4-D): samples X [N, C, H, W] at the normalised (x, y) locations of
/// grid [N, Ho, Wo, 2] with bilinear, nearest or bicubic interpolation and zeros, border or
/// reflection padding, following PyTorch's grid_sample (which ONNX specifies).

#include <algorithm>
#include <cmath>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

enum class SampleMode { kBilinear, kNearest, kBicubic };
enum class Padding { kZeros, kBorder, kReflection };

double reflect(double v, double twice_low, double twice_high) {
  if (twice_low == twice_high) return 0;
  const double lo = twice_low / 2, span = (twice_high - twice_low) / 2;
  v = std::abs(v - lo);
  const double extra = std::fmod(v, span);
  const auto flips = static_cast<int64_t>(std::floor(v / span));
  return flips % 2 == 0 ? extra + lo : span - extra + lo;
}

template <typename T>
class GridSampleKernel final : public Kernel {
 public:
  GridSampleKernel(const ir::Dims& x, const ir::Dims& grid, SampleMode mode, Padding padding, bool align)
      : n_(x[0]), c_(x[1]), h_(x[2]), w_(x[3]), ho_(grid[1]), wo_(grid[2]), mode_(mode), padding_(padding), align_(align) {
    outputs_.push_back({dtype_of<T>(), {n_, c_, ho_, wo_}});
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const T* x = inputs[0].data<T>();
    const T* grid = inputs[1].data<T>();
    T* y = outputs[0].data<T>();
    for (int64_t n = 0; n < n_; ++n) {
      for (int64_t i = 0; i < ho_; ++i) {
        for (int64_t j = 0; j < wo_; ++j) {
          const T* g = grid + ((n * ho_ + i) * wo_ + j) * 2;
          const double gx = unnormalize(static_cast<double>(widen(g[0])), w_);
          const double gy = unnormalize(static_cast<double>(widen(g[1])), h_);
          for (int64_t c = 0; c < c_; ++c) {
            const T* plane = x + (n * c_ + c) * h_ * w_;
            y[((n * c_ + c) * ho_ + i) * wo_ + j] = store_as<T>(static_cast<compute_t<T>>(sample(plane, gx, gy)));
          }
        }
      }
    }
  }

 private:
  double unnormalize(double v, int64_t size) const {
    const auto s = static_cast<double>(size);
    return align_ ? (v + 1) / 2 * (s - 1) : ((v + 1) * s - 1) / 2;
  }

  /// Applies border / reflection padding to a source coordinate.
  double pad(double v, int64_t size) const {
    const auto s = static_cast<double>(size);
    if (padding_ == Padding::kBorder) return std::clamp(v, 0.0, s - 1);
    if (padding_ == Padding::kReflection) {
      v = align_ ? reflect(v, 0, 2 * (s - 1)) : reflect(v, -1, 2 * s - 1);
      return std::clamp(v, 0.0, s - 1);
    }
    return v;
  }

  double at(const T* plane, int64_t yy, int64_t xx) const {
    if (yy < 0 || yy >= h_ || xx < 0 || xx >= w_) return 0;
    return static_cast<double>(widen(plane[yy * w_ + xx]));
  }

  static double cubic(double t, int k) {  // weights for taps -1, 0, 1, 2 at fraction t (A = -0.75)
    const double A = -0.75;
    auto near = [A](double d) { return ((A + 2) * d - (A + 3)) * d * d + 1; };
    auto far = [A](double d) { return ((A * d - 5 * A) * d + 8 * A) * d - 4 * A; };
    switch (k) {
      case 0: return far(t + 1);
      case 1: return near(t);
      case 2: return near(1 - t);
      default: return far(2 - t);
    }
  }

  double sample(const T* plane, double gx, double gy) const {
    if (mode_ == SampleMode::kBicubic) {
      const double fx = std::floor(gx), fy = std::floor(gy);
      const double tx = gx - fx, ty = gy - fy;
      double sum = 0;
      for (int a = 0; a < 4; ++a) {
        for (int b = 0; b < 4; ++b) {
          const double yy = pad(fy - 1 + a, h_), xx = pad(fx - 1 + b, w_);
          sum += cubic(ty, a) * cubic(tx, b) * at(plane, static_cast<int64_t>(yy), static_cast<int64_t>(xx));
        }
      }
      return sum;
    }
    gx = pad(gx, w_);
    gy = pad(gy, h_);
    if (mode_ == SampleMode::kNearest) return at(plane, static_cast<int64_t>(std::nearbyint(gy)), static_cast<int64_t>(std::nearbyint(gx)));
    const double fx = std::floor(gx), fy = std::floor(gy);
    const double tx = gx - fx, ty = gy - fy;
    const auto x0 = static_cast<int64_t>(fx), y0 = static_cast<int64_t>(fy);
    return at(plane, y0, x0) * (1 - ty) * (1 - tx) + at(plane, y0, x0 + 1) * (1 - ty) * tx + at(plane, y0 + 1, x0) * ty * (1 - tx) +
           at(plane, y0 + 1, x0 + 1) * ty * tx;
  }

  int64_t n_, c_, h_, w_, ho_, wo_;
  SampleMode mode_;
  Padding padding_;
  bool align_;
};

}  // namespace

/// GridSample: output[n, c, i, j] = X[n, c] sampled at grid[n, i, j].
std::unique_ptr<Kernel> create_grid_sample_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_grid_sample_kernel)) return deferred;
  check_input_count(init, 2, 2);
  const TensorInfo& x = init.inputs[0];
  const TensorInfo& grid = init.inputs[1];
  if (x.dims.size() != 4 || grid.dims.size() != 4 || grid.dims[0] != x.dims[0] || grid.dims[3] != 2 || grid.dtype != x.dtype) {
    throw_unsupported(init, "only 4-D inputs with a [N, H, W, 2] grid of the same type are supported");
  }
  const std::string m = init.node.attr_string("mode", "bilinear"), p = init.node.attr_string("padding_mode", "zeros");
  SampleMode mode;
  if (m == "bilinear" || m == "linear") mode = SampleMode::kBilinear;
  else if (m == "nearest") mode = SampleMode::kNearest;
  else if (m == "bicubic" || m == "cubic") mode = SampleMode::kBicubic;
  else throw_unsupported(init, "mode '" + m + "' is not supported");
  Padding padding;
  if (p == "zeros") padding = Padding::kZeros;
  else if (p == "border") padding = Padding::kBorder;
  else if (p == "reflection") padding = Padding::kReflection;
  else throw_unsupported(init, "padding_mode '" + p + "' is not supported");
  const bool align = init.node.attr_int("align_corners", 0) != 0;
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsFloat<T>) return std::make_unique<GridSampleKernel<T>>(x.dims, grid.dims, mode, padding, align);
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
