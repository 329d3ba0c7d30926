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
// 0.80 ms in NHWC; the other max pools of googlenet and squeezenet alike).
#include <algorithm>
#include <limits>
#include <memory>
#include <tuple>

#include "ramiel/error.h"
#include "runtime/kernel.h"
#include "runtime/kernels/dnnl_common.h"
#include "runtime/kernels/window_geometry.h"
#include "runtime/layout.h"

namespace ramiel::runtime {
namespace {

using dnnl_util::BoundPrimitive;

enum class PoolKind { kMax, kAverage, kGlobalAverage, kGlobalMax };

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
    if ((kind == PoolKind::kMax || kind == PoolKind::kAverage) && x.dtype == ir::DataType::kFloat32 &&
        x.dims.size() == 4 && y.layout == x.layout && dense && threads_ == 1) {
      channels_last_ = true;
      include_pad_ = include_pad;
      geometry_ = g;
      x_dims_ = x.dims;
      y_dims_ = y_dims;
      vector_ = x.layout == Layout::kNhwc ? x.dims[1] : x.layout == Layout::kPlain ? 1 : channel_block(x.layout);
      // A slice pools a contiguous run of the [images][H][W][V] planes (channel blocks).
      const int64_t images = x.dims[0] * (x.dims[1] / vector_);
      if (images < init.slice.count) {
        throw Error(ErrorKind::kUnsupported, what + ": cannot compute " + init.slice.describe() + " of " +
                                                 std::to_string(images) + " channel planes");
      }
      std::tie(image_begin_, image_end_) = slice_range(images, init.slice.index, init.slice.count);
      return;
    }
    if (!init.slice.whole()) {
      throw Error(ErrorKind::kUnsupported, what + ": cannot compute " + init.slice.describe() + " (only 2-D float pools without dilation split)");
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
    dnnl::memory::desc x_md = dnnl_util::md(x);
    dnnl::memory::desc y_md = dnnl_util::md(y_dims, y.dtype, y_layout);
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
    if (channels_last_) {
      const float* x = inputs[0].data<float>();
      float* y = outputs[0].data<float>();
      const bool max = kind_ == PoolKind::kMax;
      if (vector_ == 1) {
        max ? channels_last_pool<true, 1>(x, y) : channels_last_pool<false, 1>(x, y);
      } else if (vector_ == 8) {
        max ? channels_last_pool<true, 8>(x, y) : channels_last_pool<false, 8>(x, y);
      } else if (vector_ == 16) {
        max ? channels_last_pool<true, 16>(x, y) : channels_last_pool<false, 16>(x, y);
      } else {
        max ? channels_last_pool<true, 0>(x, y) : channels_last_pool<false, 0>(x, y);
      }
      return;
    }
    if (loop_) {
      average_loop(inputs[0].data<float>(), outputs[0].data<float>());
      return;
    }
    pool_.set(src_arg_, inputs[0].raw());
    pool_.set(dst_arg_, outputs[0].raw());
    pool_.execute(stream_);
  }

 private:
  // 2-D pooling of [images][H][W][V] data (V channels innermost; V = kV, or vector_ when kV is 0):
  // NHWC is one image per batch entry with V = C, a blocked layout C/b images with V = b, plain
  // NCHW C images with V = 1. Blocked
  // data (short V) is done a whole output row at a time: for each window tap, one long vectorisable
  // pass over the row (1.6x faster than pixel by pixel for V = 8); NHWC data (long V) pixel by
  // pixel, whose output stays in L1 (2x faster than by rows for C = 256).
  template <bool kMax, int kV>
  void channels_last_pool(const float* x, float* y) const {
    const int64_t v = kV > 0 ? kV : vector_;
    const int64_t ih = x_dims_[2], iw = x_dims_[3], oh = y_dims_[2], ow = y_dims_[3];
    const int64_t kh = geometry_.kernel[0], kw = geometry_.kernel[1], sh = geometry_.strides[0], sw = geometry_.strides[1];
    const int64_t ph = geometry_.pad_begin[0], pw = geometry_.pad_begin[1];
    const int64_t eh = ih + geometry_.pad_end[0], ew = iw + geometry_.pad_end[1];  // padded extent
    for (int64_t img = image_begin_; img < image_end_; ++img) {
      const float* xi = x + img * ih * iw * v;
      float* yi = y + img * oh * ow * v;
      for (int64_t r = 0; r < oh; ++r) {
        const int64_t h_start = r * sh - ph, h0 = std::max<int64_t>(h_start, 0), h1 = std::min(h_start + kh, ih);
        if constexpr (kV == 0) {
          pool_row_by_pixel<kMax>(xi, yi + r * ow * v, v, h_start, h0, h1);
          continue;
        }
        float* out = yi + r * ow * v;
        for (int64_t i = 0; i < ow * v; ++i) out[i] = kMax ? -std::numeric_limits<float>::infinity() : 0.0f;
        for (int64_t h = h0; h < h1; ++h) {
          const float* row = xi + h * iw * v;
          for (int64_t t = 0; t < kw; ++t) {
            // Output columns q whose tap t lands inside the row: 0 <= q*sw - pw + t < iw.
            const int64_t q0 = std::max<int64_t>(0, (pw - t + sw - 1) / sw);
            const int64_t q1 = std::min(ow, (iw - 1 + pw - t) / sw + 1);
            for (int64_t q = q0; q < q1; ++q) {
              const float* in = row + (q * sw - pw + t) * v;
              float* o = out + q * v;
              for (int64_t c = 0; c < v; ++c) o[c] = kMax ? std::max(o[c], in[c]) : o[c] + in[c];
            }
          }
        }
        if constexpr (!kMax) {
          for (int64_t q = 0; q < ow; ++q) {
            // count_include_pad counts the window inside the padded input (not the ceil_mode overhang).
            const int64_t w_start = q * sw - pw;
            const int64_t taps = include_pad_ ? (std::min(h_start + kh, eh) - h_start) * (std::min(w_start + kw, ew) - w_start)
                                              : (h1 - h0) * (std::min(w_start + kw, iw) - std::max<int64_t>(w_start, 0));
            const float scale = 1.0f / static_cast<float>(std::max<int64_t>(taps, 1));
            for (int64_t c = 0; c < v; ++c) out[q * v + c] *= scale;
          }
        }
      }
    }
  }

  // One output row of NHWC pooling, pixel by pixel (see channels_last_pool).
  template <bool kMax>
  void pool_row_by_pixel(const float* xi, float* out_row, int64_t v, int64_t h_start, int64_t h0, int64_t h1) const {
    const int64_t iw = x_dims_[3], ow = y_dims_[3];
    const int64_t kh = geometry_.kernel[0], kw = geometry_.kernel[1], sw = geometry_.strides[1], pw = geometry_.pad_begin[1];
    const int64_t eh = x_dims_[2] + geometry_.pad_end[0], ew = iw + geometry_.pad_end[1];
    for (int64_t q = 0; q < ow; ++q) {
      const int64_t w_start = q * sw - pw, w0 = std::max<int64_t>(w_start, 0), w1 = std::min(w_start + kw, iw);
      float* out = out_row + q * v;
      for (int64_t c = 0; c < v; ++c) out[c] = kMax ? -std::numeric_limits<float>::infinity() : 0.0f;
      for (int64_t h = h0; h < h1; ++h) {
        for (int64_t w = w0; w < w1; ++w) {
          const float* in = xi + (h * iw + w) * v;
          for (int64_t c = 0; c < v; ++c) out[c] = kMax ? std::max(out[c], in[c]) : out[c] + in[c];
        }
      }
      if constexpr (!kMax) {
        const int64_t taps = include_pad_ ? (std::min(h_start + kh, eh) - h_start) * (std::min(w_start + kw, ew) - w_start)
                                          : (h1 - h0) * (w1 - w0);
        const float scale = 1.0f / static_cast<float>(std::max<int64_t>(taps, 1));
        for (int64_t c = 0; c < v; ++c) out[c] *= scale;
      }
    }
  }

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
  bool empty_ = false, loop_ = false, channels_last_ = false, include_pad_ = false;
  int64_t vector_ = 0;
  BoundPrimitive pool_;
  int src_arg_ = -1, dst_arg_ = -1;
  WindowGeometry geometry_;
  ir::Dims x_dims_, y_dims_;
  Layout x_layout_ = Layout::kPlain, y_layout_ = Layout::kPlain;
  int64_t image_begin_ = 0, image_end_ = 0;  // channels_last_pool: the planes this kernel (slice) pools
  mutable std::vector<int64_t> lo_, hi_, pos_, out_pos_;  // loop scratch, sized at creation
};

}  // namespace

/// Factory for MaxPool (see kernels.def).
std::unique_ptr<Kernel> create_max_pool_kernel(const KernelInit& init) {
  return std::make_unique<PoolKernel>(init, PoolKind::kMax);
}
/// Factory for AveragePool (see kernels.def).
std::unique_ptr<Kernel> create_average_pool_kernel(const KernelInit& init) {
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
