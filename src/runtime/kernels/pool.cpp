// MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool on oneDNN (1-D, 2-D and 3-D windows,
// strides, pads and auto_pad, dilations, ceil_mode, count_include_pad). Layout-aware: the data
// input may arrive NHWC and the output is written in KernelInit::output_layout.
//
// One case oneDNN cannot express: AveragePool with count_include_pad=1 and ceil_mode windows that
// hang over the padded input. ONNX (as PyTorch) divides those windows by the part inside the
// padded input, oneDNN by the whole window, so that case runs a plain loop here.
//
// 2-D pools on one thread run a loop of our own instead of oneDNN: on channels-innermost layouts
// (NHWC, nChw8c, nChw16c) every window tap is a contiguous run of channels, so the loop is a
// vectorised max/sum over whole pixels; plain NCHW is the same loop with one channel per pixel
// (oneDNN 2.6 runs plain pooling as simple_nchw, 10x slower than its jit code). Measured on AVX2 it is about 3x faster than oneDNN 2.6's
// jit pooling (googlenet's first 3x3/2 max pool, 64x112x112: 0.25 ms vs 0.72 ms in nChw8c and
// 0.80 ms in NHWC; the other max pools of googlenet and squeezenet alike). Where oneDNN runs its
// AVX-512 code the loop is kept for plain NCHW only: there oneDNN's jit pooling is the faster one
// (Zen 5, nChw16c, one thread: googlenet's 13 max pools 1.04 -> 0.54 ms in total, inception_v3's
// 9 average pools 0.90 -> 0.48, squeezenet1_0's 3 max pools 0.47 -> 0.34).
//
// Slices (KernelInit::slice) split a batch's channel planes: runs of whole channel blocks, one
// contiguous part of the tensor each, on either path. On several threads (KernelInit::threads) a
// pool runs as one such slice per OpenMP thread: as fast as oneDNN's own threading in isolation
// (pool_bench), and in traces of googlenet oneDNN's two-thread pools took longer than one-thread ones.
//
// On a CPU with AVX2 the same loops run from an AVX2 build (cpu_features.h; about 1.2x faster),
// and blocked stride-1 windows (the 3x3/1 pools inside inception blocks) go pixel by pixel with
// the pixel in registers (1.25x-1.6x faster than rows there), with the same bits as the baseline
// build: both add the taps in the same order and scale by the same precomputed reciprocal.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <memory>
#include <tuple>

#include "ramiel/error.h"
#include "runtime/kernel.h"
#include "runtime/kernels/cpu_features.h"
#include "runtime/kernels/dnnl_common.h"
#include "runtime/kernels/pool.h"
#include "runtime/kernels/thread_slices.h"
#include "runtime/kernels/window_geometry.h"
#include "runtime/layout.h"

namespace ramiel::runtime {
namespace {

std::atomic<PoolCode>& pool_code_switch() {
  static std::atomic<PoolCode> code{PoolCode::kAuto};
  return code;
}

/// Whether ramiel's loops pool a `layout` tensor on one thread.
bool own_loops_for(Layout layout) {
  switch (pool_code()) {
    case PoolCode::kLoops: return true;
    case PoolCode::kOneDnn: return false;
    case PoolCode::kAuto: break;
  }
  return layout == Layout::kPlain || !dnnl_util::onednn_uses_avx512();
}

using dnnl_util::BoundPrimitive;

enum class PoolKind { kMax, kAverage, kGlobalAverage, kGlobalMax };

/// A 2-D pool over [images][H][W][V] planes (V channels innermost): NHWC is one image per batch
/// entry with V = C, a blocked layout C/b images with V = b, plain NCHW C images with V = 1. Holds
/// the window geometry and, for average pools, each output pixel's 1 / taps (computed once).
struct PlanePool {
  int64_t ih = 0, iw = 0, oh = 0, ow = 0, kh = 0, kw = 0, sh = 0, sw = 0, ph = 0, pw = 0;
  int64_t v = 0;                           // channels per pixel
  int64_t image_begin = 0, image_end = 0;  // the planes this kernel (slice) pools
  std::vector<float> inv_taps;             // average pools: oh * ow divisors
};

/// The plane geometry of a 2-D pool. An average pool's divisor counts the taps inside the input,
/// or with count_include_pad those inside the padded input (not the ceil_mode overhang, which
/// this path never sees).
PlanePool plane_pool(const ir::Dims& x, const ir::Dims& y, int64_t v, const WindowGeometry& g, bool average, bool include_pad) {
  PlanePool p;
  p.ih = x[2], p.iw = x[3], p.oh = y[2], p.ow = y[3], p.v = v;
  p.kh = g.kernel[0], p.kw = g.kernel[1], p.sh = g.strides[0], p.sw = g.strides[1], p.ph = g.pad_begin[0], p.pw = g.pad_begin[1];
  if (!average) return p;
  const int64_t eh = p.ih + g.pad_end[0], ew = p.iw + g.pad_end[1];  // padded extent
  p.inv_taps.resize(static_cast<size_t>(p.oh * p.ow));
  for (int64_t r = 0; r < p.oh; ++r) {
    const int64_t h_start = r * p.sh - p.ph;
    for (int64_t q = 0; q < p.ow; ++q) {
      const int64_t w_start = q * p.sw - p.pw;
      const int64_t taps = include_pad ? (std::min(h_start + p.kh, eh) - h_start) * (std::min(w_start + p.kw, ew) - w_start)
                                       : (std::min(h_start + p.kh, p.ih) - std::max<int64_t>(h_start, 0)) *
                                             (std::min(w_start + p.kw, p.iw) - std::max<int64_t>(w_start, 0));
      p.inv_taps[static_cast<size_t>(r * p.ow + q)] = 1.0f / static_cast<float>(std::max<int64_t>(taps, 1));
    }
  }
  return p;
}

/// Pools the planes one output pixel at a time, in place in the output pixel, which stays in L1:
/// the loop for NHWC (long V; 2x faster than by rows for C = 256).
template <bool kMax>
[[gnu::always_inline]] inline void pool_by_pixels(const PlanePool& p, const float* x, float* y) {
  const int64_t v = p.v;
  for (int64_t img = p.image_begin; img < p.image_end; ++img) {
    const float* xi = x + img * p.ih * p.iw * v;
    float* yi = y + img * p.oh * p.ow * v;
    for (int64_t r = 0; r < p.oh; ++r) {
      const int64_t h_start = r * p.sh - p.ph, h0 = std::max<int64_t>(h_start, 0), h1 = std::min(h_start + p.kh, p.ih);
      for (int64_t q = 0; q < p.ow; ++q) {
        const int64_t w_start = q * p.sw - p.pw, w0 = std::max<int64_t>(w_start, 0), w1 = std::min(w_start + p.kw, p.iw);
        float* out = yi + (r * p.ow + q) * v;
        for (int64_t c = 0; c < v; ++c) out[c] = kMax ? -std::numeric_limits<float>::infinity() : 0.0f;
        for (int64_t h = h0; h < h1; ++h) {
          for (int64_t w = w0; w < w1; ++w) {
            const float* in = xi + (h * p.iw + w) * v;
            for (int64_t c = 0; c < v; ++c) out[c] = kMax ? std::max(out[c], in[c]) : out[c] + in[c];
          }
        }
        if constexpr (!kMax) {
          const float scale = p.inv_taps[static_cast<size_t>(r * p.ow + q)];
          for (int64_t c = 0; c < v; ++c) out[c] *= scale;
        }
      }
    }
  }
}

/// Pools blocked planes (kV = 8 or 16 channels per pixel) one output pixel at a time with the
/// pixel's channels in vector registers (GCC vector extensions; only called from the AVX2 build,
/// where 8 floats are one register). Adds the taps in the order of the other loops.
template <bool kMax, int kV>
[[gnu::always_inline]] inline void pool_by_pixels_in_registers(const PlanePool& p, const float* x, float* y) {
  typedef float Vec8 __attribute__((vector_size(32)));
  constexpr int kLanes = kV / 8;
  for (int64_t img = p.image_begin; img < p.image_end; ++img) {
    const float* xi = x + img * p.ih * p.iw * kV;
    float* yi = y + img * p.oh * p.ow * kV;
    for (int64_t r = 0; r < p.oh; ++r) {
      const int64_t h_start = r * p.sh - p.ph, h0 = std::max<int64_t>(h_start, 0), h1 = std::min(h_start + p.kh, p.ih);
      for (int64_t q = 0; q < p.ow; ++q) {
        const int64_t w_start = q * p.sw - p.pw, w0 = std::max<int64_t>(w_start, 0), w1 = std::min(w_start + p.kw, p.iw);
        Vec8 acc[kLanes];
        for (int l = 0; l < kLanes; ++l) acc[l] = Vec8{} + (kMax ? -std::numeric_limits<float>::infinity() : 0.0f);
        for (int64_t h = h0; h < h1; ++h) {
          const float* in = xi + (h * p.iw + w0) * kV;
          for (int64_t w = w0; w < w1; ++w, in += kV) {
            for (int l = 0; l < kLanes; ++l) {
              Vec8 tap;
              std::memcpy(&tap, in + 8 * l, sizeof tap);
              if constexpr (kMax) {
                acc[l] = acc[l] < tap ? tap : acc[l];  // std::max(acc, tap), NaNs and signed zeros included
              } else {
                acc[l] += tap;
              }
            }
          }
        }
        if constexpr (!kMax) {
          const float scale = p.inv_taps[static_cast<size_t>(r * p.ow + q)];
          for (int l = 0; l < kLanes; ++l) acc[l] *= scale;
        }
        std::memcpy(yi + (r * p.ow + q) * kV, acc, sizeof acc);
      }
    }
  }
}

/// Pools the planes a whole output row at a time: for each window tap, one long vectorisable pass
/// over the row. The loop for short V (blocked and plain layouts): 1.6x faster than pixel by pixel
/// for V = 8 in the baseline build, and in the AVX2 build for strided windows, whose large
/// inputs stream from memory.
template <bool kMax, int kV>
[[gnu::always_inline]] inline void pool_by_rows(const PlanePool& p, const float* x, float* y) {
  constexpr int64_t v = kV;
  for (int64_t img = p.image_begin; img < p.image_end; ++img) {
    const float* xi = x + img * p.ih * p.iw * v;
    float* yi = y + img * p.oh * p.ow * v;
    for (int64_t r = 0; r < p.oh; ++r) {
      const int64_t h_start = r * p.sh - p.ph, h0 = std::max<int64_t>(h_start, 0), h1 = std::min(h_start + p.kh, p.ih);
      float* out = yi + r * p.ow * v;
      for (int64_t i = 0; i < p.ow * v; ++i) out[i] = kMax ? -std::numeric_limits<float>::infinity() : 0.0f;
      for (int64_t h = h0; h < h1; ++h) {
        const float* row = xi + h * p.iw * v;
        for (int64_t t = 0; t < p.kw; ++t) {
          // Output columns q whose tap t lands inside the row: 0 <= q*sw - pw + t < iw.
          const int64_t q0 = std::max<int64_t>(0, (p.pw - t + p.sw - 1) / p.sw);
          const int64_t q1 = std::min(p.ow, (p.iw - 1 + p.pw - t) / p.sw + 1);
          for (int64_t q = q0; q < q1; ++q) {
            const float* in = row + (q * p.sw - p.pw + t) * v;
            float* o = out + q * v;
            for (int64_t c = 0; c < v; ++c) o[c] = kMax ? std::max(o[c], in[c]) : o[c] + in[c];
          }
        }
      }
      if constexpr (!kMax) {
        const float* inv_taps = p.inv_taps.data() + r * p.ow;
        for (int64_t q = 0; q < p.ow; ++q) {
          for (int64_t c = 0; c < v; ++c) out[q * v + c] *= inv_taps[q];
        }
      }
    }
  }
}

/// The baseline build's loop for V = kV (0: any V, NHWC).
template <bool kMax, int kV>
void pool_planes(const PlanePool& p, const float* x, float* y) {
  if constexpr (kV == 0) {
    pool_by_pixels<kMax>(p, x, y);
  } else {
    pool_by_rows<kMax, kV>(p, x, y);
  }
}

/// The AVX2 build. Blocked stride-1 windows (the 3x3/1 pools inside inception blocks) go pixel by
/// pixel with the kV channels in registers (1.25x-1.6x faster than rows there); the rest run the
/// baseline loops compiled for AVX2 (about 1.2x faster). Same taps in the same order: same bits.
template <bool kMax, int kV>
RAMIEL_TARGET_AVX2 void pool_planes_avx2(const PlanePool& p, const float* x, float* y) {
  if constexpr (kV == 8 || kV == 16) {
    if (p.sw == 1) {
      pool_by_pixels_in_registers<kMax, kV>(p, x, y);
      return;
    }
  }
  if constexpr (kV == 0) {
    pool_by_pixels<kMax>(p, x, y);
  } else {
    pool_by_rows<kMax, kV>(p, x, y);
  }
}

using PlanePoolFn = void (*)(const PlanePool&, const float*, float*);

/// The loop for V channels per pixel, in the AVX2 build when `avx2`.
template <bool kMax>
PlanePoolFn select_plane_pool(int64_t v, bool avx2) {
  switch (v) {
    case 1: return avx2 ? pool_planes_avx2<kMax, 1> : pool_planes<kMax, 1>;
    case 8: return avx2 ? pool_planes_avx2<kMax, 8> : pool_planes<kMax, 8>;
    case 16: return avx2 ? pool_planes_avx2<kMax, 16> : pool_planes<kMax, 16>;
    default: return avx2 ? pool_planes_avx2<kMax, 0> : pool_planes<kMax, 0>;
  }
}

// Element offset of (n, c, spatial position `pos`) in a tensor of logical `dims` in `layout`.
int64_t element_at(const ir::Dims& dims, Layout layout, int64_t n, int64_t c, const std::vector<int64_t>& pos) {
  if (dims.size() == 4) return layout_offset(dims, layout, n, c, pos[0], pos[1]);
  int64_t off = n * dims[1] + c;
  for (size_t i = 0; i < pos.size(); ++i) off = off * dims[2 + i] + pos[i];
  return off;
}

class PoolKernel final : public Kernel {
 public:
  PoolKernel(const KernelInit& init, PoolKind kind) : kind_(kind), threads_(init.threads), stream_(dnnl_util::engine()) {
    const ir::Node& node = init.node;
    const std::string what = node.op_type + " '" + node.name + "'";
    if (init.inputs.empty() || init.inputs[0].absent()) throw Error(ErrorKind::kInvalidModel, what + ": needs input X");
    const TensorInfo& x = init.inputs[0];
    const bool is_max = kind == PoolKind::kMax || kind == PoolKind::kGlobalMax;
    if (x.dtype != ir::DataType::kFloat32 &&
        !(is_max && (x.dtype == ir::DataType::kInt8 || x.dtype == ir::DataType::kUint8))) {
      throw Error(ErrorKind::kUnsupported, what + ": element type " + std::string(ir::to_string(x.dtype)) + " is not supported");
    }
    if (x.dims.size() < 3 || x.dims.size() > 5) {
      throw Error(ErrorKind::kUnsupported, what + ": input rank " + std::to_string(x.dims.size()) + " (only 1-D, 2-D and 3-D pooling)");
    }
    if (kind == PoolKind::kMax && node.outputs.size() > 1 && node.outputs[1] != ir::kNone) {
      throw Error(ErrorKind::kUnsupported, what + ": the Indices output is not supported");
    }
    std::vector<int64_t> spatial(x.dims.begin() + 2, x.dims.end());
    WindowGeometry g;
    if (kind == PoolKind::kGlobalAverage || kind == PoolKind::kGlobalMax) {
      g.kernel = spatial;
      g.strides.assign(spatial.size(), 1);
      g.dilations.assign(spatial.size(), 1);
      g.pad_begin.assign(spatial.size(), 0);
      g.pad_end.assign(spatial.size(), 0);
      g.overhang.assign(spatial.size(), 0);
      g.output.assign(spatial.size(), 1);
    } else {
      std::vector<int64_t> kernel = node.attr_ints("kernel_shape");
      if (kernel.empty()) throw Error(ErrorKind::kInvalidModel, what + ": kernel_shape is required");
      g = resolve_window(node, spatial, kernel, true);
    }
    ir::Dims y_dims = {x.dims[0], x.dims[1]};
    y_dims.insert(y_dims.end(), g.output.begin(), g.output.end());
    TensorInfo y;
    y.dtype = x.dtype;
    y.dims = y_dims;
    y.layout = choose_output_layout(y_dims, init.output_layout);
    outputs_.push_back(y);
    empty_ = ir::element_count(x.dims) == 0;
    if (empty_) return;

    const bool include_pad = kind == PoolKind::kAverage && node.attr_int("count_include_pad", 0) != 0;
    const bool overhang = std::any_of(g.overhang.begin(), g.overhang.end(), [](int64_t v) { return v > 0; });
    const bool dense = std::all_of(g.dilations.begin(), g.dilations.end(), [](int64_t d) { return d == 1; });
    const bool planes = (kind == PoolKind::kMax || kind == PoolKind::kAverage) && x.dtype == ir::DataType::kFloat32 &&
                        x.dims.size() == 4 && y.layout == x.layout && dense;
    if (planes && threads_ == 1 && own_loops_for(x.layout)) {
      const int64_t vector = x.layout == Layout::kNhwc ? x.dims[1] : x.layout == Layout::kPlain ? 1 : channel_block(x.layout);
      // A slice pools a contiguous run of the [images][H][W][V] planes (channel blocks).
      const int64_t images = x.dims[0] * (x.dims[1] / vector);
      if (images < init.slice.count) {
        throw Error(ErrorKind::kUnsupported, what + ": cannot compute " + init.slice.describe() + " of " +
                                                 std::to_string(images) + " channel planes");
      }
      plane_ = plane_pool(x.dims, y_dims, vector, g, kind == PoolKind::kAverage, include_pad);
      std::tie(plane_.image_begin, plane_.image_end) = slice_range(images, init.slice.index, init.slice.count);
      plane_pool_ = kind == PoolKind::kMax ? select_plane_pool<true>(vector, cpu::use_avx2())
                                           : select_plane_pool<false>(vector, cpu::use_avx2());
      return;
    }
    // oneDNN's slice: batch 1, whole channel blocks (contiguous in plain and blocked layouts).
    ir::Dims x_part = x.dims, y_part = y_dims;
    if (!init.slice.whole()) {
      const auto refuse = [&](const std::string& why) {
        throw Error(ErrorKind::kUnsupported, what + ": cannot compute " + init.slice.describe() + " (" + why + ")");
      };
      if (!planes || (include_pad && overhang)) refuse("only 2-D float pools without dilation split");
      if (x.dims[0] != 1 || x.layout == Layout::kNhwc) refuse("channel slices are contiguous only in batch-1 plain or blocked tensors");
      const int64_t block = x.layout == Layout::kPlain ? 1 : channel_block(x.layout);
      const int64_t blocks = (x.dims[1] + block - 1) / block;
      if (blocks < init.slice.count) refuse(std::to_string(blocks) + " channel blocks");
      const auto [b0, b1] = slice_range(blocks, init.slice.index, init.slice.count);
      const int64_t c0 = b0 * block, c1 = std::min(x.dims[1], b1 * block);
      x_part[1] = y_part[1] = c1 - c0;
      x_offset_ = static_cast<size_t>(c0 * x.dims[2] * x.dims[3]) * sizeof(float);
      y_offset_ = static_cast<size_t>(c0 * y_dims[2] * y_dims[3]) * sizeof(float);
    }
    if (include_pad && overhang) {
      loop_ = true;
      geometry_ = g;
      x_dims_ = x.dims;
      y_dims_ = y_dims;
      x_layout_ = x.layout;
      y_layout_ = y.layout;
      lo_.assign(g.kernel.size(), 0);
      hi_ = pos_ = out_pos_ = lo_;
      return;
    }

    // A [N,C,1,1] output is the same bytes in either layout: describe it like the input so oneDNN
    // sees one format (and picks its jit implementation).
    Layout y_layout = y.layout;
    if (y_dims.size() == 4 && y_dims[2] * y_dims[3] == 1) y_layout = x.layout;
    dnnl::memory::desc x_md = dnnl_util::md(x_part, x.dtype, x.layout);
    dnnl::memory::desc y_md = dnnl_util::md(y_part, y.dtype, y_layout);
    dnnl::memory::dims strides(g.strides.begin(), g.strides.end()), kernel(g.kernel.begin(), g.kernel.end()), dil,
        pl(g.pad_begin.begin(), g.pad_begin.end()), pr;
    for (int64_t d : g.dilations) dil.push_back(d - 1);
    for (size_t i = 0; i < g.pad_end.size(); ++i) pr.push_back(g.pad_end[i] + g.overhang[i]);
    dnnl::algorithm alg = is_max ? dnnl::algorithm::pooling_max
                          : include_pad ? dnnl::algorithm::pooling_avg_include_padding
                                        : dnnl::algorithm::pooling_avg_exclude_padding;
    dnnl_util::ThreadScope scope(threads_);
    try {
      dnnl::pooling_v2_forward::desc desc(dnnl::prop_kind::forward_inference, alg, x_md, y_md, strides, kernel, dil, pl, pr);
      dnnl::primitive_attr attr;
      attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
      dnnl::pooling_v2_forward::primitive_desc pd(desc, attr, dnnl_util::engine());
      pool_ = BoundPrimitive(dnnl::pooling_v2_forward(pd), pd, threads_);
    } catch (const dnnl::error& e) {
      dnnl_util::rethrow_as_unsupported(e, what);
    }
    src_arg_ = pool_.add(DNNL_ARG_SRC, x_md);
    dst_arg_ = pool_.add(DNNL_ARG_DST, y_md);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (empty_) return;
    if (plane_pool_ != nullptr) {
      plane_pool_(plane_, inputs[0].data<float>(), outputs[0].data<float>());
      return;
    }
    if (loop_) {
      average_loop(inputs[0].data<float>(), outputs[0].data<float>());
      return;
    }
    pool_.set(src_arg_, static_cast<const std::byte*>(inputs[0].raw()) + x_offset_);
    pool_.set(dst_arg_, static_cast<std::byte*>(outputs[0].raw()) + y_offset_);
    pool_.execute(stream_);
  }

 private:
  // AveragePool, count_include_pad=1, with ceil_mode overhang: divisor = window ∩ padded input.
  void average_loop(const float* x, float* y) const {
    const size_t r = geometry_.kernel.size();
    std::vector<int64_t>& out_pos = out_pos_;
    const int64_t out_count = ir::element_count(ir::Dims(y_dims_.begin() + 2, y_dims_.end()));
    for (int64_t n = 0; n < x_dims_[0]; ++n) {
      for (int64_t c = 0; c < x_dims_[1]; ++c) {
        for (int64_t o = 0; o < out_count; ++o) {
          int64_t rem = o;
          for (size_t i = r; i-- > 0;) {
            out_pos[i] = rem % y_dims_[2 + i];
            rem /= y_dims_[2 + i];
          }
          std::vector<int64_t>& lo = lo_;
          std::vector<int64_t>& hi = hi_;
          int64_t divisor = 1;
          for (size_t i = 0; i < r; ++i) {
            int64_t start = out_pos[i] * geometry_.strides[i] - geometry_.pad_begin[i];
            int64_t end = std::min(start + (geometry_.kernel[i] - 1) * geometry_.dilations[i] + 1,
                                   x_dims_[2 + i] + geometry_.pad_end[i]);
            int64_t taps = 0;
            for (int64_t p = start; p < end; p += geometry_.dilations[i]) ++taps;
            divisor *= taps;
            lo[i] = start;
            hi[i] = end;
          }
          double sum = 0;
          std::vector<int64_t>& pos = pos_;
          pos = lo;
          while (true) {
            bool inside = true;
            for (size_t i = 0; i < r; ++i) inside = inside && pos[i] >= 0 && pos[i] < x_dims_[2 + i];
            if (inside) sum += x[element_at(x_dims_, x_layout_, n, c, pos)];
            size_t i = r;
            while (i-- > 0) {
              pos[i] += geometry_.dilations[i];
              if (pos[i] < hi[i]) break;
              pos[i] = lo[i];
            }
            if (i == static_cast<size_t>(-1)) break;
          }
          y[element_at(y_dims_, y_layout_, n, c, out_pos)] = static_cast<float>(sum / static_cast<double>(std::max<int64_t>(divisor, 1)));
        }
      }
    }
  }

  PoolKind kind_;
  int threads_;
  dnnl::stream stream_;
  bool empty_ = false, loop_ = false;
  PlanePool plane_;                     // our 2-D loop: geometry, the planes to pool, average divisors
  PlanePoolFn plane_pool_ = nullptr;    // our 2-D loop for this layout and CPU; null: oneDNN or loop_
  BoundPrimitive pool_;
  int src_arg_ = -1, dst_arg_ = -1;
  size_t x_offset_ = 0, y_offset_ = 0;  // bytes to a slice's first channel (oneDNN path)
  WindowGeometry geometry_;
  ir::Dims x_dims_, y_dims_;
  Layout x_layout_ = Layout::kPlain, y_layout_ = Layout::kPlain;
  mutable std::vector<int64_t> lo_, hi_, pos_, out_pos_;  // loop scratch, sized at creation
};

}  // namespace

void set_pool_code(PoolCode code) { pool_code_switch().store(code, std::memory_order_relaxed); }
PoolCode pool_code() { return pool_code_switch().load(std::memory_order_relaxed); }

/// Factory for MaxPool (see kernels.def): on several threads, one slice per OpenMP thread where
/// the pool splits.
std::unique_ptr<Kernel> create_max_pool_kernel(const KernelInit& init) {
  if (auto sliced = create_thread_sliced_kernel(create_max_pool_kernel, init)) return sliced;
  return std::make_unique<PoolKernel>(init, PoolKind::kMax);
}
/// Factory for AveragePool (see kernels.def), sliced over threads as MaxPool.
std::unique_ptr<Kernel> create_average_pool_kernel(const KernelInit& init) {
  if (auto sliced = create_thread_sliced_kernel(create_average_pool_kernel, init)) return sliced;
  return std::make_unique<PoolKernel>(init, PoolKind::kAverage);
}
/// Factory for GlobalAveragePool (see kernels.def).
std::unique_ptr<Kernel> create_global_average_pool_kernel(const KernelInit& init) {
  return std::make_unique<PoolKernel>(init, PoolKind::kGlobalAverage);
}
/// Factory for GlobalMaxPool (see kernels.def).
std::unique_ptr<Kernel> create_global_max_pool_kernel(const KernelInit& init) {
  return std::make_unique<PoolKernel>(init, PoolKind::kGlobalMax);
}

}  // namespace ramiel::runtime
