// Winograd F(2x2, 3x3), F(2x2, 5x5), F(2, 7) and F(4, 3) convolutions (Lavin & Gray, "Fast
// Algorithms for Convolutional Neural Networks", 2016) for nChw8c tensors on AVX2+FMA and nChw16c
// on AVX-512 (there 3x3 only on small images or with few channels: conv_winograd.h).
//
// Every 2x2 output tile is computed from a 4x4 input tile d as Y = A^T [ (G g G^T) .* (B^T d B) ] A.
// Across channels the elementwise product becomes 16 matrix products, one per position xi of the
// 4x4 transformed tile: M_xi[tiles x K] = V_xi[tiles x C] * U_xi[C x K]. The kernel works on
// blocks of tiles so that V and M stay in the L2 cache: transform a block of input tiles into V,
// multiply, transform M back into output tiles (adding bias, a fused residual and the activation).
// U, the transformed weight, is packed once at creation in panels for the register-blocked
// micro-kernel (gemm_micro_kernel.h: 6x16 on AVX2, 6x64 on AVX-512). 1x7 and 7x1 windows use the
// 1-D F(2, 7) the same way (a tile is 2 outputs along the window's axis from 8 inputs, 8
// products), 1x3 and 3x1 windows F(4, 3) (4 outputs from 6 inputs, 6 products); 5x5 windows
// nest F(2, 5) along both axes (2x2 outputs from 6x6 inputs, 36 products).
// The vector code is one body (conv_winograd_body.inc) compiled for each instruction set (simd.h);
// a channel block of the layout is one register.
//
// Every output channel's arithmetic is the same whatever the slice or tile block, so slices give
// the bits of the whole node.
#include "runtime/kernels/conv_winograd.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <omp.h>

#include "ramiel/error.h"
#include "runtime/kernels/cpu_features.h"
#include "runtime/kernels/dnnl_common.h"
#include "runtime/kernels/gemm_micro_kernel.h"
#include "runtime/kernels/thread_slices.h"
#include "runtime/kernels/window_geometry.h"
#include "runtime/layout.h"

namespace ramiel::runtime {
namespace {

using gemm::kRows;                    // tiles per micro-kernel call
constexpr int64_t kMaxPositions = 36;  // positions in a 6x6 transformed tile (16 for F(2x2, 3x3), 8 for F(2, 7), 6 for F(4, 3))
// Tile blocks keep V and M (positions * tiles * (C + K) floats) near this size, in L2.
constexpr int64_t kBlockBytes = 256 * 1024;
// ...unless all tiles fit in this much: then one block, and each weight panel is read once.
constexpr int64_t kWholeBytes = 1024 * 1024;

std::atomic<bool>& winograd_switch() {
  static std::atomic<bool> enabled{std::getenv("RAMIEL_NO_WINOGRAD") == nullptr};
  return enabled;
}

// Which transform: F(2x2, 3x3) for 3x3 windows (AVX2), F(4x4, 3x3) (F(4, 3) along both axes) for
// them on AVX-512, F(2x2, 5x5) (F(2, 5) along both axes) for 5x5 ones; along one axis (W for 1xr windows, H for rx1),
// F(2, 7) for 7 taps and F(4, 3) for 3 taps. (F(2, 3) along one axis was slower than F(4, 3) on
// inception_v3's 384->384 1x3 on 8x8: 0.18 vs 0.14 ms warm, 0.27 vs 0.23 cold, one thread.)
enum class WinogradKind : uint8_t { k3x3, kF27, kF43, k5x5, k4x4_3x3 };

// The problem one kernel solves: a slice [k_begin, k_begin + k_count) of the output channels.
struct WinogradShape {
  WinogradKind kind = WinogradKind::k3x3;
  bool avx512 = false;     // nChw16c on AVX-512 (else nChw8c on AVX2)
  bool along_w = true;     // 1-D transforms: along W (a 1xr window) or H (rx1)
  int64_t positions = 16;  // transformed tile size: 16 (4x4), or alpha of a 1-D transform
  int64_t batch = 1, channels = 0, out_channels = 0;  // C and the whole node's K
  int64_t height = 0, width = 0, out_height = 0, out_width = 0;
  int64_t pad_top = 0, pad_left = 0;
  int64_t k_begin = 0, k_count = 0;
  int64_t tiles_h = 0, tiles_w = 0, tile_block = 0;  // tiles per block (the last may have fewer)
  int64_t tile_h = 2, tile_w = 2;                    // output pixels per tile
};

// Output epilogue of one register: bias, fused residual, activation.
struct Epilogue {
  FusedActivation activation = FusedActivation::kNone;
  float clip_min = 0, clip_max = 0;
};

// The 1-D transforms F(m, r): m outputs of an r-tap window from alpha = m + r - 1 inputs as
// Y = A^T [(G g) .* (B^T d)] (Toom-Cook; Lavin & Gray's matrices). kBT is alpha x alpha, kAT
// m x alpha, kG alpha x r (in double: the filter transform runs once, at creation).

// F(2, 7) on the points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity (relative error about 6e-6 in
// float against 4e-7 for F(2, 3), measured on random data).
struct F27 {
  static constexpr int kAlpha = 8, kOutputs = 2, kTaps = 7;
  static constexpr float kBT[8][8] = {{4, 0, -21, 0, 21, 0, -4, 0}, {0, -4, -4, 17, 17, -4, -4, 0}, {0, 4, -4, -17, 17, 4, -4, 0},
                                      {0, 2, 1, -10, -5, 8, 4, 0},  {0, -2, 1, 10, -5, -8, 4, 0},   {0, 4, 8, -5, -10, 1, 2, 0},
                                      {0, -4, 8, 5, -10, -1, 2, 0}, {0, -4, 0, 21, 0, -21, 0, 4}};
  static constexpr float kAT[2][8] = {{1, 1, 1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0.5f, -0.5f, 1}};
  static constexpr double kG[8][7] = {{1.0 / 4, 0, 0, 0, 0, 0, 0},
                                      {1.0 / 18, 1.0 / 18, 1.0 / 18, 1.0 / 18, 1.0 / 18, 1.0 / 18, 1.0 / 18},
                                      {1.0 / 18, -1.0 / 18, 1.0 / 18, -1.0 / 18, 1.0 / 18, -1.0 / 18, 1.0 / 18},
                                      {1.0 / 360, 1.0 / 180, 1.0 / 90, 1.0 / 45, 2.0 / 45, 4.0 / 45, 8.0 / 45},
                                      {1.0 / 360, -1.0 / 180, 1.0 / 90, -1.0 / 45, 2.0 / 45, -4.0 / 45, 8.0 / 45},
                                      {16.0 / 45, 8.0 / 45, 4.0 / 45, 2.0 / 45, 1.0 / 45, 1.0 / 90, 1.0 / 180},
                                      {16.0 / 45, -8.0 / 45, 4.0 / 45, -2.0 / 45, 1.0 / 45, -1.0 / 90, 1.0 / 180},
                                      {0, 0, 0, 0, 0, 0, 1.0 / 4}};
};

// F(4, 3) on the points 0, 1, -1, 2, -2 and infinity: 6 products for 4 outputs (2x fewer
// multiplications than the direct 3 per output).
struct F43 {
  static constexpr int kAlpha = 6, kOutputs = 4, kTaps = 3;
  static constexpr float kBT[6][6] = {{4, 0, -5, 0, 1, 0},  {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                                      {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
  static constexpr float kAT[4][6] = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};
  static constexpr double kG[6][3] = {{1.0 / 4, 0, 0},           {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                      {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
};

// F(2, 5) on the same points as F(4, 3) (so the same B^T): 6 products for 2 outputs of a 5-tap
// window; nested along both axes, F(2x2, 5x5) takes 36 products for 4 outputs instead of 100.
struct F25 {
  static constexpr int kAlpha = 6, kOutputs = 2, kTaps = 5;
  static constexpr const auto& kBT = F43::kBT;
  static constexpr float kAT[2][6] = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 1}};
  static constexpr double kG[6][5] = {{1.0 / 4, 0, 0, 0, 0},
                                      {-1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6},
                                      {-1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6},
                                      {1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3, 2.0 / 3},
                                      {1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3, 2.0 / 3},
                                      {0, 0, 0, 0, 1}};
};

#if defined(RAMIEL_HAVE_SIMD)

RAMIEL_SIMD_AVX2_BEGIN
// nChw8c on AVX2+FMA.
namespace avx2 {
using namespace simd::avx2;
namespace gemm_kernel = gemm::avx2;
#include "runtime/kernels/conv_winograd_body.inc"
}  // namespace avx2
RAMIEL_SIMD_END

RAMIEL_SIMD_AVX512_BEGIN
// nChw16c on AVX-512F.
namespace avx512 {
using namespace simd::avx512;
namespace gemm_kernel = gemm::avx512;
#include "runtime/kernels/conv_winograd_body.inc"
}  // namespace avx512
RAMIEL_SIMD_END

#endif  // x86

// U = G g G^T for one 3x3 filter g (row-major), in double and rounded once.
void transform_filter(const float* g, float u[16]) {
  double t[4][3];
  for (int j = 0; j < 3; ++j) {
    const double g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
    t[0][j] = g0;
    t[1][j] = (g0 + g1 + g2) / 2;
    t[2][j] = (g0 - g1 + g2) / 2;
    t[3][j] = g2;
  }
  for (int i = 0; i < 4; ++i) {
    u[4 * i + 0] = static_cast<float>(t[i][0]);
    u[4 * i + 1] = static_cast<float>((t[i][0] + t[i][1] + t[i][2]) / 2);
    u[4 * i + 2] = static_cast<float>((t[i][0] - t[i][1] + t[i][2]) / 2);
    u[4 * i + 3] = static_cast<float>(t[i][2]);
  }
}

// U = G g for one r-tap filter g of the 1-D transform F, in double and rounded once.
template <class F>
void transform_filter_1d(const float* g, float* u) {
  for (int xi = 0; xi < F::kAlpha; ++xi) {
    double acc = 0;
    for (int k = 0; k < F::kTaps; ++k) acc += F::kG[xi][k] * g[k];
    u[xi] = static_cast<float>(acc);
  }
}

// U = G g G^T for one r x r filter g (row-major) of the 1-D transform F nested along both axes,
// in double and rounded once.
template <class F>
void transform_filter_2d(const float* g, float* u) {
  double t[F::kAlpha][F::kTaps];  // G g
  for (int x = 0; x < F::kAlpha; ++x) {
    for (int l = 0; l < F::kTaps; ++l) {
      double acc = 0;
      for (int k = 0; k < F::kTaps; ++k) acc += F::kG[x][k] * g[k * F::kTaps + l];
      t[x][l] = acc;
    }
  }
  for (int x = 0; x < F::kAlpha; ++x) {
    for (int y = 0; y < F::kAlpha; ++y) {
      double acc = 0;
      for (int l = 0; l < F::kTaps; ++l) acc += t[x][l] * F::kG[y][l];
      u[x * F::kAlpha + y] = static_cast<float>(acc);
    }
  }
}

// Scratch for V and M, one per thread (a kernel's run() never runs on two threads at once, a
// thread runs one kernel at a time, and OpenMP threads each take their own tile blocks).
float* scratch(size_t floats) {
  thread_local dnnl_util::AlignedBuffer buffer;
  if (buffer.size() < floats * sizeof(float)) buffer = dnnl_util::AlignedBuffer(floats * sizeof(float));
  return static_cast<float*>(buffer.data());
}

class WinogradConvKernel final : public Kernel {
 public:
  WinogradConvKernel(const KernelInit& init, const WinogradShape& shape, const TensorInfo& y)
      : threads_(init.threads), shape_(shape), epilogue_{init.activation, init.clip_min, init.clip_max}, residual_(init.add_residual) {
    outputs_.push_back(y);
    const WinogradShape& s = shape_;
    const int64_t c = s.channels, k = s.k_count;
    // U packed [xi][panel][c][panel width], panels of the micro-kernel's width (the last may be
    // narrower: whole channel blocks).
#if defined(RAMIEL_HAVE_SIMD)
    const int64_t panel_width = s.avx512 ? avx512::kPanelWidth : avx2::kPanelWidth;
#else
    const int64_t panel_width = 16;
#endif
    weights_ = dnnl_util::AlignedBuffer(static_cast<size_t>(s.positions * k * c) * sizeof(float));
    float* u = static_cast<float*>(weights_.data());
    const float* w = init.inputs[1].constant->data<float>();
    float filter[kMaxPositions];
    for (int64_t kk = 0; kk < k; ++kk) {
      const int64_t p = kk / panel_width * panel_width, width = std::min(panel_width, k - p), lane = kk - p;
      for (int64_t ci = 0; ci < c; ++ci) {
        switch (s.kind) {
          case WinogradKind::k3x3: transform_filter(w + ((s.k_begin + kk) * c + ci) * 9, filter); break;
          case WinogradKind::kF27: transform_filter_1d<F27>(w + ((s.k_begin + kk) * c + ci) * 7, filter); break;
          case WinogradKind::kF43: transform_filter_1d<F43>(w + ((s.k_begin + kk) * c + ci) * 3, filter); break;
          case WinogradKind::k5x5: transform_filter_2d<F25>(w + ((s.k_begin + kk) * c + ci) * 25, filter); break;
          case WinogradKind::k4x4_3x3: transform_filter_2d<F43>(w + ((s.k_begin + kk) * c + ci) * 9, filter); break;
        }
        for (int64_t xi = 0; xi < s.positions; ++xi) u[xi * k * c + p * c + ci * width + lane] = filter[xi];
      }
    }
    bias_ = dnnl_util::AlignedBuffer(static_cast<size_t>(k) * sizeof(float));
    const TensorInfo* b = init.inputs.size() > 2 && !init.inputs[2].absent() ? &init.inputs[2] : nullptr;
    if (b != nullptr && b->constant != nullptr) {
      std::copy_n(b->constant->data<float>() + s.k_begin, k, static_cast<float*>(bias_.data()));
    }
    runtime_bias_ = b != nullptr && b->constant == nullptr;
  }

  std::string implementation() const override {
    static constexpr const char* kNames[] = {"ramiel_winograd_2x3:", "ramiel_winograd_1d_2x7:", "ramiel_winograd_1d_4x3:", "ramiel_winograd_2x5:", "ramiel_winograd_4x3:"};
    return std::string(kNames[static_cast<int>(shape_.kind)]) + (shape_.avx512 ? "avx512" : "avx2");
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
#if defined(RAMIEL_HAVE_SIMD)
    const WinogradShape& s = shape_;
    if (runtime_bias_) std::copy_n(inputs[2].data<float>() + s.k_begin, s.k_count, static_cast<float*>(bias_.data()));
    const int64_t tiles = s.tiles_h * s.tiles_w;
    for (int64_t n = 0; n < s.batch; ++n) {
      if (threads_ <= 1) {
        run_tiles(inputs, outputs, n, 0, tiles);
        continue;
      }
      // oneDNN-style intra-operator threading (KernelInit::threads): each OpenMP thread takes an
      // equal range of tiles, not whole blocks (resnet50's 49 tiles in blocks of 6 split 30/19 as
      // blocks, 25/24 as ranges); every tile is computed as on one thread, so the bits are the same.
#pragma omp parallel num_threads(threads_)
      {
        const auto [begin, end] = slice_range(tiles, omp_get_thread_num(), omp_get_num_threads());
        run_tiles(inputs, outputs, n, begin, end);
      }
    }
#else
    (void)inputs;
    (void)outputs;
#endif
  }

 private:
  // Tiles [begin, end) of image `n` in blocks of s.tile_block: input transform, products, output transform.
  void run_tiles(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs, int64_t n, int64_t begin, int64_t end) const {
#if defined(RAMIEL_HAVE_SIMD)
    const WinogradShape& s = shape_;
    const size_t v_floats = static_cast<size_t>(s.positions * s.tile_block * s.channels);
    float* v = scratch(v_floats + static_cast<size_t>(s.positions * s.tile_block * s.k_count));
    float* m = v + v_floats;
    const int64_t x_image = s.channels * s.height * s.width, y_image = s.out_channels * s.out_height * s.out_width;
    const int64_t y_slice = s.k_begin * s.out_height * s.out_width;
    const float* x = inputs[0].data<float>() + n * x_image;
    float* y = outputs[0].data<float>() + n * y_image + y_slice;
    const float* r = residual_ ? inputs[3].data<float>() + n * y_image + y_slice : nullptr;
    const float* bias = static_cast<const float*>(bias_.data());
    const float* u = static_cast<const float*>(weights_.data());
    for (int64_t t0 = begin; t0 < end; t0 += s.tile_block) {
      const int64_t count = std::min(s.tile_block, end - t0);
      if (s.avx512) {
        avx512::compute_tile_block(x, u, bias, s, t0, count, v, m, y, r, epilogue_);
      } else {
        avx2::compute_tile_block(x, u, bias, s, t0, count, v, m, y, r, epilogue_);
      }
    }
#else
    (void)inputs, (void)outputs, (void)n, (void)begin, (void)end;
#endif
  }

  int threads_ = 1;
  WinogradShape shape_;
  Epilogue epilogue_;
  bool residual_ = false, runtime_bias_ = false;
  dnnl_util::AlignedBuffer weights_, bias_;
};

// Windows with a transform here: 3x3, 5x5, 1x7, 7x1, 1x3 and 3x1.
bool winograd_window(int64_t kh, int64_t kw) {
  return (kh == 3 && kw == 3) || (kh == 5 && kw == 5) || (kh == 1 && (kw == 7 || kw == 3)) || (kw == 1 && (kh == 7 || kh == 3));
}

// Input and output channel counts that are enough (kWinogradMinChannels) and whole blocks.
bool winograd_channels(int64_t c, int64_t k, int64_t block) {
  return c >= kWinogradMinChannels && k >= kWinogradMinChannels && c % block == 0 && k % block == 0;
}

// The shape when `init` is a convolution this kernel computes, else one with channels == 0.
WinogradShape winograd_shape(const KernelInit& init, TensorInfo& y) {
  WinogradShape none;
  const ir::Node& node = init.node;
  if (init.threads < 1 || init.inputs.size() < 2 || node.attr_int("group", 1) != 1) return none;
  if (init.activation == FusedActivation::kGeluErf) return none;
  const TensorInfo& x = init.inputs[0];
  const TensorInfo& w = init.inputs[1];
  if (x.dtype != ir::DataType::kFloat32 || w.dtype != ir::DataType::kFloat32 || w.constant == nullptr) return none;
  // nChw8c runs the AVX2 code, nChw16c the AVX-512 code.
  const bool avx512 = x.layout == Layout::kNChw16c;
  if (x.dims.size() != 4 || w.dims.size() != 4 || !(x.layout == Layout::kNChw8c || avx512)) return none;
  if (avx512 ? !cpu::use_avx512() : !cpu::use_avx2_fma()) return none;
  const int64_t block = avx512 ? 16 : 8;
  const int64_t c = x.dims[1], k = w.dims[0], kh = w.dims[2], kw = w.dims[3];
  const bool square = kh == 3 && kw == 3, row = kh == 1 && (kw == 7 || kw == 3), column = kw == 1 && (kh == 7 || kh == 3);
  const bool five = kh == 5 && kw == 5;
  if (!winograd_window(kh, kw) || w.dims[1] != c || !winograd_channels(c, k, block)) return none;
  // Few channels on a large image: on AVX2 the transforms cost about what the multiplications save
  // (inception_v3's 32->32 and 32->64 convolutions on 147x147 ran 0.96x-1.1x of oneDNN's direct
  // ones); the AVX-512 code takes 0.35x-0.4x there, for 3x3 windows (1-D ones untried).
  const bool few_channels_large_image = c * k < kWinogradSmallProduct && x.dims[2] * x.dims[3] > kWinogradLargeImage;
  if (few_channels_large_image && !(avx512 && square)) return none;
  if (node.attr_ints("kernel_shape", {kh, kw}) != std::vector<int64_t>{kh, kw}) return none;
  if (init.inputs.size() > 2 && !init.inputs[2].absent()) {
    const TensorInfo& b = init.inputs[2];
    if (b.dtype != ir::DataType::kFloat32 || b.dims != ir::Dims{k}) return none;
  }
  WindowGeometry g;
  try {
    g = resolve_window(node, {x.dims[2], x.dims[3]}, {kh, kw}, false);
  } catch (const Error&) {
    return none;  // the oneDNN kernel reports it
  }
  if (g.strides != std::vector<int64_t>{1, 1} || g.dilations != std::vector<int64_t>{1, 1}) return none;
  const bool small_image = g.output[0] * g.output[1] <= kWinogradSmallImage;
  y.dtype = ir::DataType::kFloat32;
  y.dims = {x.dims[0], k, g.output[0], g.output[1]};
  y.layout = choose_output_layout(y.dims, init.output_layout);
  if (y.layout != x.layout || ir::element_count(y.dims) == 0) return none;
  if (init.add_residual) {
    const TensorInfo* r = init.inputs.size() > 3 ? &init.inputs[3] : nullptr;
    if (r == nullptr || r->absent() || r->dtype != ir::DataType::kFloat32 || r->dims != y.dims || r->layout != y.layout) return none;
  }
  WinogradShape s;
  const int64_t taps = std::max(kh, kw);
  // 3x3 windows: F(4x4, 3x3) on AVX-512 for images above kWinogradSmallImage (1.2x-1.7x faster
  // than F(2x2, 3x3) and than oneDNN's Winograd there), F(2x2, 3x3) on smaller ones and on AVX2.
  // On small images F(4x4, 3x3)'s transformed weights (36 values per filter against 16), read
  // from memory inside a model, cost more than its products save: googlenet, squeezenet1_0 and
  // inception_v3 ran 1-6% faster with this split than with F(4x4, 3x3) everywhere.
  const bool four = square && avx512 && !small_image;
  s.kind = four ? WinogradKind::k4x4_3x3 : square ? WinogradKind::k3x3 : five ? WinogradKind::k5x5 : taps == 7 ? WinogradKind::kF27 : WinogradKind::kF43;
  s.avx512 = avx512;
  s.along_w = row;
  s.positions = four || five ? 36 : square ? 16 : taps == 7 ? F27::kAlpha : F43::kAlpha;
  const int64_t outputs = four ? 4 : square || five ? 2 : taps == 7 ? F27::kOutputs : F43::kOutputs;  // per tile along each axis
  s.tile_h = row ? 1 : outputs;
  s.tile_w = column ? 1 : outputs;
  s.batch = x.dims[0];
  s.channels = c;
  s.out_channels = k;
  s.height = x.dims[2];
  s.width = x.dims[3];
  s.out_height = g.output[0];
  s.out_width = g.output[1];
  s.pad_top = g.pad_begin[0];
  s.pad_left = g.pad_begin[1];
  s.k_count = k;
  if (!init.slice.whole()) {
    const int64_t blocks = k / block;
    if (s.batch != 1 || blocks < init.slice.count) return none;  // the oneDNN kernel refuses it
    auto [b0, b1] = slice_range(blocks, init.slice.index, init.slice.count);
    s.k_begin = b0 * block;
    s.k_count = (b1 - b0) * block;
  }
  s.tiles_h = (s.out_height + s.tile_h - 1) / s.tile_h;
  s.tiles_w = (s.out_width + s.tile_w - 1) / s.tile_w;
  const int64_t tiles = s.tiles_h * s.tiles_w, tile_bytes = s.positions * (c + s.k_count) * static_cast<int64_t>(sizeof(float));
  s.tile_block = tiles * tile_bytes <= kWholeBytes ? tiles : std::max(kRows, kBlockBytes / tile_bytes / kRows * kRows);
  s.tile_block = std::min(s.tile_block, tiles);
  return s;
}

}  // namespace

std::unique_ptr<Kernel> create_winograd_conv_kernel(const KernelInit& init) {
  if (!winograd_available()) return nullptr;
  TensorInfo y;
  const WinogradShape shape = winograd_shape(init, y);
  if (shape.channels == 0) return nullptr;
  // On several threads, one output-channel slice per thread rather than tile blocks for the 1-D
  // transforms and for 3x3 ones on small images on AVX-512: each thread then reads half of the
  // transformed weight, which comes from memory inside a model (inception_v3's 192->192 1x7 on
  // 17x17, cold cache, two threads: 0.34 ms as tile blocks, 0.30 as slices; googlenet's 3x3
  // convolutions on 14x14: 0.15-0.24 ms as slices against 0.16-0.34 as tile blocks). Large images
  // split their tiles (inception_v3's 32->32 on 147x147: 0.83 ms against 1.32 as slices, which
  // would each transform the whole input).
  const bool one_d = shape.kind == WinogradKind::kF27 || shape.kind == WinogradKind::kF43;
  const bool small_image = shape.out_height * shape.out_width <= kWinogradSmallImage;
  if (init.threads > 1 && init.slice.whole() && (one_d || (shape.avx512 && small_image))) {
    if (auto sliced = create_thread_sliced_kernel(create_winograd_conv_kernel, init)) return sliced;
  }
  return std::make_unique<WinogradConvKernel>(init, shape, y);
}

bool winograd_may_compute(const ir::Node& conv, const ir::Dims& weight_dims) {
  // The CPU's capability, not the on/off switch: a session's layout does not follow RAMIEL_NO_WINOGRAD.
  if (!(cpu::use_avx2_fma() || cpu::use_avx512()) || conv.op_type != "Conv" || weight_dims.size() != 4 || conv.attr_int("group", 1) != 1) return false;
  const std::vector<int64_t> ones = {1, 1};
  if (conv.attr_ints("strides", ones) != ones || conv.attr_ints("dilations", ones) != ones) return false;
  const int64_t block = cpu::use_avx512() ? 16 : 8;
  return winograd_window(weight_dims[2], weight_dims[3]) && winograd_channels(weight_dims[1], weight_dims[0], block);
}

void set_winograd_enabled(bool enabled) { winograd_switch().store(enabled, std::memory_order_relaxed); }

bool winograd_enabled() { return winograd_switch().load(std::memory_order_relaxed); }

bool winograd_available() { return winograd_enabled() && (cpu::use_avx2_fma() || cpu::use_avx512()); }

}  // namespace ramiel::runtime
