// LRN (local response normalization across channels). Odd sizes run on oneDNN, whose window is
// centred; even sizes, where ONNX's window is lopsided (floor((size-1)/2) channels before,
// ceil((size-1)/2) after), run a plain loop. Layout-aware like the pools.
#include <cmath>
#include <memory>

#include "ramiel/error.h"
#include "runtime/kernel.h"
#include "runtime/kernels/dnnl_common.h"
#include "runtime/layout.h"

namespace ramiel::runtime {
namespace {

using dnnl_util::BoundPrimitive;

class LrnKernel final : public Kernel {
 public:
  explicit LrnKernel(const KernelInit& init) : threads_(init.threads), stream_(dnnl_util::engine()) {
    const ir::Node& node = init.node;
    const std::string what = "LRN '" + node.name + "'";
    if (init.inputs.size() != 1) throw Error(ErrorKind::kInvalidModel, what + ": needs one input");
    const TensorInfo& x = init.inputs[0];
    if (x.dtype != ir::DataType::kFloat32) {
      throw Error(ErrorKind::kUnsupported, what + ": element type " + std::string(ir::to_string(x.dtype)) + " (only float)");
    }
    if (x.dims.size() < 3 || x.dims.size() > 5) throw Error(ErrorKind::kUnsupported, what + ": input rank " + std::to_string(x.dims.size()));
    size_ = node.attr_int("size", 0);
    if (size_ < 1) throw Error(ErrorKind::kInvalidModel, what + ": size must be >= 1");
    alpha_ = node.attr_float("alpha", 1e-4f);
    beta_ = node.attr_float("beta", 0.75f);
    bias_ = node.attr_float("bias", 1.0f);
    TensorInfo y = x;
    y.constant = nullptr;
    y.layout = choose_output_layout(x.dims, init.output_layout);
    outputs_.push_back(y);
    empty_ = ir::element_count(x.dims) == 0;
    dims_ = x.dims;
    layout_ = x.layout;
    dnnl::memory::desc x_md = dnnl_util::md(x), y_md = dnnl_util::md(y);
    if (x_md != y_md) throw Error(ErrorKind::kInternal, what + ": input and output layouts differ");
    if (empty_ || size_ % 2 == 0) return;
    dnnl_util::ThreadScope scope(threads_);
    try {
      dnnl::lrn_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::lrn_across_channels, x_md, size_,
                                   alpha_, beta_, bias_);
      dnnl::primitive_attr attr;
      attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
      dnnl::lrn_forward::primitive_desc pd(desc, attr, dnnl_util::engine());
      lrn_ = BoundPrimitive(dnnl::lrn_forward(pd), pd, threads_);
    } catch (const dnnl::error& e) {
      dnnl_util::rethrow_as_unsupported(e, what);
    }
    src_arg_ = lrn_.add(DNNL_ARG_SRC, x_md);
    dst_arg_ = lrn_.add(DNNL_ARG_DST, y_md);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (empty_) return;
    if (!lrn_.valid()) {
      loop(inputs[0].data<float>(), outputs[0].data<float>());
      return;
    }
    lrn_.set(src_arg_, inputs[0].raw());
    lrn_.set(dst_arg_, outputs[0].raw());
    lrn_.execute(stream_);
  }

 private:
  // Even sizes: ONNX's lopsided window. Offsets through layout_offset() (any layout; rank 4 is
  // the only rank that can be non-plain, other ranks are viewed as [N, C, spatial, 1]).
  void loop(const float* x, float* y) const {
    const int64_t n = dims_[0], c = dims_[1];
    const int64_t spatial = ir::element_count(dims_) / std::max<int64_t>(n * c, 1);
    const ir::Dims d4 = dims_.size() == 4 ? dims_ : ir::Dims{n, c, spatial, 1};
    const Layout layout = dims_.size() == 4 ? layout_ : Layout::kPlain;
    const int64_t before = (size_ - 1) / 2, after = size_ - 1 - before;
    for (int64_t b = 0; b < n; ++b) {
      for (int64_t h = 0; h < d4[2]; ++h) {
        for (int64_t w = 0; w < d4[3]; ++w) {
          for (int64_t ch = 0; ch < c; ++ch) {
            double sum = 0;
            for (int64_t j = std::max<int64_t>(0, ch - before); j <= std::min(c - 1, ch + after); ++j) {
              double v = x[layout_offset(d4, layout, b, j, h, w)];
              sum += v * v;
            }
            const int64_t at = layout_offset(d4, layout, b, ch, h, w);
            y[at] = static_cast<float>(x[at] / std::pow(bias_ + alpha_ / static_cast<double>(size_) * sum, beta_));
          }
        }
      }
    }
  }

  int threads_;
  dnnl::stream stream_;
  bool empty_ = false;
  int64_t size_ = 0;
  float alpha_ = 0, beta_ = 0, bias_ = 0;
  ir::Dims dims_;
  Layout layout_ = Layout::kPlain;
  BoundPrimitive lrn_;
  int src_arg_ = -1, dst_arg_ = -1;
};

}  // namespace

/// Factory for LRN (see kernels.def).
std::unique_ptr<Kernel> create_lrn_kernel(const KernelInit& init) { return std::make_unique<LrnKernel>(init); }

}  // namespace ramiel::runtime
