// Conv (ONNX opset 1-22) on oneDNN: 1-D, 2-D and 3-D, groups (depthwise included), strides,
// dilations, explicit pads and auto_pad, optional bias.
//
// Layouts: the session passes rank-4 activations between layout-aware ops in the layout oneDNN
// prefers on this CPU (NHWC or nChw8c/nChw16c, runtime/layout.h), and then src and dst are handed to
// oneDNN exactly as they are. A plain (NCHW) src with more than 4 channels is given to oneDNN as
// format `any` and reordered per run into the format it picks (plain NCHW convolution is 1.8-8.5x
// slower, see shared/README.md); likewise a plain dst. Weights always use format `any` and are
// packed once at creation when constant.
#include <memory>

#include "ramiel/error.h"
#include "runtime/kernel.h"
#include "runtime/kernels/dnnl_common.h"
#include "runtime/kernels/window_geometry.h"
#include "runtime/layout.h"

namespace ramiel::runtime {
namespace {

using dnnl_util::AlignedBuffer;
using dnnl_util::BoundPrimitive;
using dnnl_util::BoundReorder;
using Tag = dnnl::memory::format_tag;

class ConvKernel final : public Kernel {
 public:
  explicit ConvKernel(const KernelInit& init) : threads_(init.threads), stream_(dnnl_util::engine()) {
    const ir::Node& node = init.node;
    const std::string what = "Conv '" + node.name + "'";
    if (init.inputs.size() < 2) throw Error(ErrorKind::kInvalidModel, what + ": needs inputs X and W");
    const TensorInfo& x = init.inputs[0];
    const TensorInfo& w = init.inputs[1];
    const TensorInfo* b = init.inputs.size() > 2 && !init.inputs[2].absent() ? &init.inputs[2] : nullptr;
    if (x.dtype != ir::DataType::kFloat32 || w.dtype != ir::DataType::kFloat32 ||
        (b != nullptr && b->dtype != ir::DataType::kFloat32)) {
      throw Error(ErrorKind::kUnsupported, what + ": only float32 is supported, got " +
                                               std::string(ir::to_string(x.dtype)));
    }
    const size_t rank = x.dims.size();
    if (rank < 3 || rank > 5) throw Error(ErrorKind::kUnsupported, what + ": input rank " + std::to_string(rank) + " (only 1-D, 2-D and 3-D convolutions)");
    if (w.dims.size() != rank) throw Error(ErrorKind::kInvalidModel, what + ": W rank " + std::to_string(w.dims.size()) + " differs from X rank " + std::to_string(rank));
    const int64_t group = node.attr_int("group", 1);
    const int64_t c = x.dims[1], m = w.dims[0];
    if (group < 1 || c % group != 0 || m % group != 0 || w.dims[1] * group != c) {
      throw Error(ErrorKind::kInvalidModel, what + ": X has " + std::to_string(c) + " channels but W is " + ir::to_string(w.dims) + " with group " + std::to_string(group));
    }
    if (b != nullptr && (b->dims.size() != 1 || b->dims[0] != m)) {
      throw Error(ErrorKind::kInvalidModel, what + ": B must be [" + std::to_string(m) + "], got " + ir::to_string(b->dims));
    }
    std::vector<int64_t> spatial(x.dims.begin() + 2, x.dims.end());
    std::vector<int64_t> kernel(w.dims.begin() + 2, w.dims.end());
    std::vector<int64_t> declared = node.attr_ints("kernel_shape", kernel);
    if (declared != kernel) throw Error(ErrorKind::kInvalidModel, what + ": kernel_shape does not match W " + ir::to_string(w.dims));
    WindowGeometry g = resolve_window(node, spatial, kernel, false);

    ir::Dims y_dims = {x.dims[0], m};
    y_dims.insert(y_dims.end(), g.output.begin(), g.output.end());
    TensorInfo y;
    y.dtype = ir::DataType::kFloat32;
    y.dims = y_dims;
    y.layout = choose_output_layout(y_dims, init.output_layout);
    outputs_.push_back(y);
    empty_ = ir::element_count(y_dims) == 0 || ir::element_count(x.dims) == 0;
    if (empty_) return;

    // User-side descriptors (what the tensors really are).
    dnnl::memory::desc x_user = dnnl_util::md(x);
    dnnl::memory::desc y_user = dnnl_util::md(y);
    ir::Dims w_dims = w.dims;
    if (group > 1) {
      w_dims[0] = m / group;
      w_dims.insert(w_dims.begin(), group);
    }
    dnnl::memory::desc w_user = dnnl_util::md(w_dims, ir::DataType::kFloat32);

    // What the convolution is asked for: a non-plain (or small-channel plain) src as is, else `any`.
    const auto f32 = dnnl::memory::data_type::f32;
    const bool x_as_is = x.layout != Layout::kPlain || c <= 4;
    dnnl::memory::desc x_conv = x_as_is ? x_user : dnnl::memory::desc(dnnl_util::dims(x.dims), f32, Tag::any);
    // A plain small-channel src with an NHWC dst has no jit implementation (ref:any, ~1000x
    // slower): then let oneDNN pick the dst format and reorder to the requested one.
    const bool y_as_is = y.layout != Layout::kPlain && x.layout != Layout::kPlain;
    dnnl::memory::desc y_conv = y_as_is ? y_user : dnnl::memory::desc(dnnl_util::dims(y_dims), f32, Tag::any);
    dnnl::memory::desc w_conv(dnnl_util::dims(w_dims), f32, Tag::any);
    dnnl::memory::desc b_md = b != nullptr ? dnnl::memory::desc({m}, f32, Tag::x) : dnnl::memory::desc();

    dnnl::memory::dims strides(g.strides.begin(), g.strides.end()), dil, pl(g.pad_begin.begin(), g.pad_begin.end()),
        pr(g.pad_end.begin(), g.pad_end.end());
    for (int64_t d : g.dilations) dil.push_back(d - 1);

    dnnl_util::ThreadScope scope(threads_);
    try {
      dnnl::primitive_attr attr;
      attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
      auto make_pd = [&](const dnnl::memory::desc& xs, const dnnl::memory::desc& ys) {
        dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, xs,
                                             w_conv, b_md, ys, strides, dil, pl, pr);
        return dnnl::convolution_forward::primitive_desc(desc, attr, dnnl_util::engine());
      };
      dnnl::convolution_forward::primitive_desc pd = make_pd(x_conv, y_conv);
      // Mixed formats (e.g. a blocked src with a plain dst whose channels are not whole blocks) may
      // have only the reference implementation: then let oneDNN pick both and reorder around it.
      if (std::string(pd.impl_info_str()).starts_with("ref") && (x_as_is || y_as_is)) {
        dnnl::memory::desc any_x(dnnl_util::dims(x.dims), f32, Tag::any), any_y(dnnl_util::dims(y_dims), f32, Tag::any);
        dnnl::convolution_forward::primitive_desc alt = make_pd(c <= 4 ? x_user : any_x, any_y);
        if (!std::string(alt.impl_info_str()).starts_with("ref")) pd = alt;
      }
      conv_ = BoundPrimitive(dnnl::convolution_forward(pd), pd, threads_);
      x_conv = pd.src_desc();
      y_conv = pd.dst_desc();
      w_conv = pd.weights_desc();
    } catch (const dnnl::error& e) {
      dnnl_util::rethrow_as_unsupported(e, what);
    }
    src_arg_ = conv_.add(DNNL_ARG_SRC, x_conv);
    dst_arg_ = conv_.add(DNNL_ARG_DST, y_conv);
    if (x_conv != x_user) {
      src_reorder_ = BoundReorder(x_user, x_conv, threads_);
      src_buf_ = AlignedBuffer(x_conv.get_size());
      conv_.set(src_arg_, src_buf_.data());
    }
    if (y_conv != y_user) {
      dst_reorder_ = BoundReorder(y_conv, y_user, threads_);
      dst_buf_ = AlignedBuffer(y_conv.get_size());
      conv_.set(dst_arg_, dst_buf_.data());
    }
    weights_buf_ = AlignedBuffer(w_conv.get_size());
    int w_arg = conv_.add(DNNL_ARG_WEIGHTS, w_conv, weights_buf_.data());
    (void)w_arg;
    if (w.constant != nullptr) {
      dnnl_util::reorder_now(w_user, w.constant->raw(), w_conv, weights_buf_.data(), threads_);
    } else {
      weights_reorder_ = BoundReorder(w_user, w_conv, threads_);
    }
    if (b != nullptr) {
      bias_arg_ = conv_.add(DNNL_ARG_BIAS, b_md);
      if (b->constant != nullptr) {
        bias_buf_ = AlignedBuffer(b->constant->byte_size());
        std::copy_n(b->constant->data<float>(), m, static_cast<float*>(bias_buf_.data()));
        conv_.set(bias_arg_, bias_buf_.data());
        bias_arg_ = -1;  // bound for good
      }
    }
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (empty_) return;
    const void* x = inputs[0].raw();
    void* y = outputs[0].raw();
    if (weights_reorder_.valid()) weights_reorder_.run(stream_, inputs[1].raw(), weights_buf_.data());
    if (bias_arg_ >= 0) conv_.set(bias_arg_, inputs[2].raw());
    if (src_reorder_.valid()) {
      src_reorder_.run(stream_, x, src_buf_.data());
    } else {
      conv_.set(src_arg_, x);
    }
    if (!dst_reorder_.valid()) conv_.set(dst_arg_, y);
    conv_.execute(stream_);
    if (dst_reorder_.valid()) dst_reorder_.run(stream_, dst_buf_.data(), y);
  }

 private:
  int threads_;
  dnnl::stream stream_;
  bool empty_ = false;
  BoundPrimitive conv_;
  BoundReorder src_reorder_, dst_reorder_, weights_reorder_;
  AlignedBuffer src_buf_, dst_buf_, weights_buf_, bias_buf_;
  int src_arg_ = -1, dst_arg_ = -1, bias_arg_ = -1;
};

}  // namespace

/// Factory for Conv (see kernels.def).
std::unique_ptr<Kernel> create_conv_kernel(const KernelInit& init) { return std::make_unique<ConvKernel>(init); }

}  // namespace ramiel::runtime
