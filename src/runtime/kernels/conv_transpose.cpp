// ConvTranspose on oneDNN deconvolution: 1-D, 2-D and 3-D, groups, strides, dilations, pads,
// auto_pad, output_padding and output_shape, optional bias. Plain layout only: src and dst are
// given to oneDNN as format `any` and reordered per run when it prefers another format; weights
// are packed once at creation when constant.
#include <memory>

#include "ramiel/error.h"
#include "runtime/kernel.h"
#include "runtime/kernels/dnnl_common.h"

namespace ramiel::runtime {
namespace {

using dnnl_util::AlignedBuffer;
using dnnl_util::BoundPrimitive;
using dnnl_util::BoundReorder;
using Tag = dnnl::memory::format_tag;

class ConvTransposeKernel final : public Kernel {
 public:
  explicit ConvTransposeKernel(const KernelInit& init) : threads_(init.threads), stream_(dnnl_util::engine()) {
    const ir::Node& node = init.node;
    const std::string what = "ConvTranspose '" + node.name + "'";
    auto invalid = [&](const std::string& why) { return Error(ErrorKind::kInvalidModel, what + ": " + why); };
    if (init.inputs.size() < 2 || init.inputs[0].absent() || init.inputs[1].absent()) throw invalid("needs inputs X and W");
    const TensorInfo& x = init.inputs[0];
    const TensorInfo& w = init.inputs[1];
    const TensorInfo* b = init.inputs.size() > 2 && !init.inputs[2].absent() ? &init.inputs[2] : nullptr;
    for (const TensorInfo* t : {&x, &w, b}) {
      if (t != nullptr && t->dtype != ir::DataType::kFloat32) {
        throw Error(ErrorKind::kUnsupported, what + ": element type " + std::string(ir::to_string(t->dtype)) + " (only float)");
      }
    }
    const size_t rank = x.dims.size();
    if (rank < 3 || rank > 5) throw Error(ErrorKind::kUnsupported, what + ": input rank " + std::to_string(rank));
    if (w.dims.size() != rank) throw invalid("W rank differs from X rank");
    const size_t r = rank - 2;
    const int64_t group = node.attr_int("group", 1), c = x.dims[1];
    if (group < 1 || c % group != 0 || w.dims[0] != c) throw invalid("W " + ir::to_string(w.dims) + " does not match X " + ir::to_string(x.dims));
    const int64_t mg = w.dims[1], m = mg * group;
    if (b != nullptr && b->dims != ir::Dims{m}) throw invalid("B must be [" + std::to_string(m) + "]");
    std::vector<int64_t> kernel(w.dims.begin() + 2, w.dims.end());
    if (node.attr_ints("kernel_shape", kernel) != kernel) throw invalid("kernel_shape does not match W");
    auto strides = node.attr_ints("strides", std::vector<int64_t>(r, 1));
    auto dilations = node.attr_ints("dilations", std::vector<int64_t>(r, 1));
    auto out_pad = node.attr_ints("output_padding", std::vector<int64_t>(r, 0));
    auto pads = node.attr_ints("pads", std::vector<int64_t>(2 * r, 0));
    auto output_shape = node.attr_ints("output_shape");
    const std::string auto_pad = node.attr_string("auto_pad", "NOTSET");
    if (strides.size() != r || dilations.size() != r || out_pad.size() != r || pads.size() != 2 * r) {
      throw invalid("strides, dilations, output_padding or pads have the wrong length");
    }
    if (!output_shape.empty() && output_shape.size() == rank) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
    if (!output_shape.empty() && output_shape.size() != r) throw invalid("output_shape has the wrong length");
    std::vector<int64_t> out(r), pl(r), pr(r);
    for (size_t i = 0; i < r; ++i) {
      const int64_t in = x.dims[2 + i], ext = (kernel[i] - 1) * dilations[i] + 1;
      const int64_t full = strides[i] * (in - 1) + out_pad[i] + ext;  // output size without padding
      if (strides[i] < 1 || dilations[i] < 1 || out_pad[i] < 0) throw invalid("bad strides, dilations or output_padding");
      if (!output_shape.empty() || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
        out[i] = !output_shape.empty() ? output_shape[i] : in * strides[i];
        // ONNX splits the total padding with floor division; a negative end pad (output_shape one
        // row past the full output) acts as output_padding.
        const int64_t total = full - out[i];
        const int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
        pl[i] = auto_pad == "SAME_UPPER" ? half : total - half;
        pr[i] = total - pl[i];
        if (pl[i] < 0 || -pr[i] >= strides[i]) {
          throw Error(ErrorKind::kUnsupported, what + ": output_shape too large for the input");
        }
      } else {
        if (auto_pad == "VALID") pads.assign(2 * r, 0);
        pl[i] = pads[i];
        pr[i] = pads[r + i];
        out[i] = full - pl[i] - pr[i];
      }
      if (out[i] < 1) throw invalid("output would be empty");
      if (out_pad[i] >= std::max(strides[i], dilations[i])) throw invalid("output_padding must be smaller than stride or dilation");
    }
    ir::Dims y_dims = {x.dims[0], m};
    y_dims.insert(y_dims.end(), out.begin(), out.end());
    TensorInfo y;
    y.dtype = ir::DataType::kFloat32;
    y.dims = y_dims;
    outputs_.push_back(y);
    empty_ = ir::element_count(x.dims) == 0;
    if (empty_) return;

    // oneDNN deconvolution weights are [G, M/G, C/G, k...]; ONNX's W is [C, M/G, k...] = [G, C/G, M/G, k...].
    const int64_t taps = ir::element_count(ir::Dims(kernel.begin(), kernel.end()));
    const int64_t cg = c / group;
    dnnl::memory::dims wd, ws;
    if (group > 1) {
      wd = {group, mg, cg};
      ws = {cg * mg * taps, taps, mg * taps};
    } else {
      wd = {m, c};
      ws = {taps, m * taps};
    }
    int64_t inner = taps;
    for (size_t i = 0; i < r; ++i) {
      wd.push_back(kernel[i]);
      inner /= kernel[i];
      ws.push_back(inner);
    }
    const auto f32 = dnnl::memory::data_type::f32;
    dnnl::memory::desc w_user(wd, f32, ws);
    dnnl::memory::desc x_user = dnnl_util::md(x.dims, x.dtype), y_user = dnnl_util::md(y_dims, y.dtype);
    dnnl::memory::desc x_any(dnnl_util::dims(x.dims), f32, Tag::any), y_any(dnnl_util::dims(y_dims), f32, Tag::any);
    dnnl::memory::desc w_any(wd, f32, Tag::any);
    dnnl::memory::desc b_md = b != nullptr ? dnnl::memory::desc({m}, f32, Tag::x) : dnnl::memory::desc();
    // oneDNN checks in == (out - ext + pl + pr) / stride + 1 with floor division, so rows past the
    // full output (output_padding, a negative end pad) need pr >= 0 and fewer than `stride` of them.
    dnnl::memory::dims st(strides.begin(), strides.end()), dil, l(pl.begin(), pl.end()), rr;
    for (size_t i = 0; i < r; ++i) {
      const int64_t ext = (kernel[i] - 1) * dilations[i] + 1;
      const int64_t span = out[i] - ext + pl[i];  // + pr must land in [(in-1)*stride, in*stride)
      const int64_t need = std::max<int64_t>(0, (x.dims[2 + i] - 1) * strides[i] - span);
      if (span + need >= x.dims[2 + i] * strides[i]) {
        throw Error(ErrorKind::kUnsupported, what + ": output_padding must be smaller than the stride");
      }
      rr.push_back(need);
    }
    for (int64_t d : dilations) dil.push_back(d - 1);
    dnnl::memory::desc x_conv, y_conv, w_conv;
    dnnl_util::ThreadScope scope(threads_);
    try {
      dnnl::deconvolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
                                             x_any, w_any, b_md, y_any, st, dil, l, rr);
      dnnl::primitive_attr attr;
      attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
      dnnl::deconvolution_forward::primitive_desc pd(desc, attr, dnnl_util::engine());
      prim_ = BoundPrimitive(dnnl::deconvolution_forward(pd), pd, threads_);
      x_conv = pd.src_desc();
      y_conv = pd.dst_desc();
      w_conv = pd.weights_desc();
    } catch (const dnnl::error& e) {
      dnnl_util::rethrow_as_unsupported(e, what);
    }
    src_arg_ = prim_.add(DNNL_ARG_SRC, x_conv);
    dst_arg_ = prim_.add(DNNL_ARG_DST, y_conv);
    if (x_conv != x_user) {
      src_reorder_ = BoundReorder(x_user, x_conv, threads_);
      src_buf_ = AlignedBuffer(x_conv.get_size());
      prim_.set(src_arg_, src_buf_.data());
    }
    if (y_conv != y_user) {
      dst_reorder_ = BoundReorder(y_conv, y_user, threads_);
      dst_buf_ = AlignedBuffer(y_conv.get_size());
      prim_.set(dst_arg_, dst_buf_.data());
    }
    weights_buf_ = AlignedBuffer(w_conv.get_size());
    prim_.add(DNNL_ARG_WEIGHTS, w_conv, weights_buf_.data());
    if (w.constant != nullptr) {
      dnnl_util::reorder_now(w_user, w.constant->raw(), w_conv, weights_buf_.data(), threads_);
    } else {
      weights_reorder_ = BoundReorder(w_user, w_conv, threads_);
    }
    if (b != nullptr) {
      bias_arg_ = prim_.add(DNNL_ARG_BIAS, b_md);
      if (b->constant != nullptr) {
        bias_buf_ = AlignedBuffer(static_cast<size_t>(m) * sizeof(float));
        std::copy_n(b->constant->data<float>(), m, static_cast<float*>(bias_buf_.data()));
        prim_.set(bias_arg_, bias_buf_.data());
        bias_arg_ = -1;
      }
    }
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (empty_) return;
    if (weights_reorder_.valid()) weights_reorder_.run(stream_, inputs[1].raw(), weights_buf_.data());
    if (bias_arg_ >= 0) prim_.set(bias_arg_, inputs[2].raw());
    if (src_reorder_.valid()) {
      src_reorder_.run(stream_, inputs[0].raw(), src_buf_.data());
    } else {
      prim_.set(src_arg_, inputs[0].raw());
    }
    if (!dst_reorder_.valid()) prim_.set(dst_arg_, outputs[0].raw());
    prim_.execute(stream_);
    if (dst_reorder_.valid()) dst_reorder_.run(stream_, dst_buf_.data(), outputs[0].raw());
  }

 private:
  int threads_;
  dnnl::stream stream_;
  bool empty_ = false;
  BoundPrimitive prim_;
  BoundReorder src_reorder_, dst_reorder_, weights_reorder_;
  AlignedBuffer src_buf_, dst_buf_, weights_buf_, bias_buf_;
  int src_arg_ = -1, dst_arg_ = -1, bias_arg_ = -1;
};

}  // namespace

/// Factory for ConvTranspose (see kernels.def).
std::unique_ptr<Kernel> create_conv_transpose_kernel(const KernelInit& init) {
  return std::make_unique<ConvTransposeKernel>(init);
}

}  // namespace ramiel::runtime
