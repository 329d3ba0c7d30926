// BatchNormalization (inference: running statistics) on oneDNN. Layout-aware: X may arrive in any
// layout and Y is written in the same one (the session asks for it).
#include <memory>

#include "ramiel/error.h"
#include "runtime/kernel.h"
#include "runtime/kernels/dnnl_common.h"
#include "runtime/layout.h"

namespace ramiel::runtime {
namespace {

using dnnl_util::AlignedBuffer;
using dnnl_util::BoundPrimitive;

class BatchNormKernel final : public Kernel {
 public:
  explicit BatchNormKernel(const KernelInit& init) : threads_(init.threads), stream_(dnnl_util::engine()) {
    const ir::Node& node = init.node;
    const std::string what = "BatchNormalization '" + node.name + "'";
    if (init.inputs.size() != 5) throw Error(ErrorKind::kInvalidModel, what + ": needs 5 inputs (X, scale, B, mean, var)");
    for (size_t i = 1; i < node.outputs.size(); ++i) {
      if (node.outputs[i] != ir::kNone) throw Error(ErrorKind::kUnsupported, what + ": training outputs are not supported");
    }
    if (node.attr_int("training_mode", 0) != 0) throw Error(ErrorKind::kUnsupported, what + ": training_mode=1 is not supported");
    if (node.attr_int("spatial", 1) == 0) throw Error(ErrorKind::kUnsupported, what + ": spatial=0 is not supported");
    const TensorInfo& x = init.inputs[0];
    for (const TensorInfo& t : init.inputs) {
      if (t.dtype != ir::DataType::kFloat32) {
        throw Error(ErrorKind::kUnsupported, what + ": element type " + std::string(ir::to_string(t.dtype)) + " (only float)");
      }
    }
    if (x.dims.size() < 2 || x.dims.size() > 5) {
      throw Error(ErrorKind::kUnsupported, what + ": input rank " + std::to_string(x.dims.size()));
    }
    const int64_t c = x.dims[1];
    for (size_t i = 1; i < 5; ++i) {
      if (init.inputs[i].dims != ir::Dims{c}) {
        throw Error(ErrorKind::kInvalidModel, what + ": input " + std::to_string(i) + " must be [" + std::to_string(c) + "], got " +
                                                  ir::to_string(init.inputs[i].dims));
      }
    }
    TensorInfo y = x;
    y.constant = nullptr;
    y.layout = choose_output_layout(x.dims, init.output_layout);
    outputs_.push_back(y);
    empty_ = ir::element_count(x.dims) == 0;
    if (empty_) return;
    const float epsilon = node.attr_float("epsilon", 1e-5f);
    dnnl::memory::desc x_md = dnnl_util::md(x), y_md = dnnl_util::md(y);
    if (x_md != y_md) throw Error(ErrorKind::kInternal, what + ": input and output layouts differ");
    dnnl::memory::desc p_md({c}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::x);
    dnnl_util::ThreadScope scope(threads_);
    try {
      auto flags = dnnl::normalization_flags::use_global_stats | dnnl::normalization_flags::use_scale |
                   dnnl::normalization_flags::use_shift;
      dnnl::batch_normalization_forward::desc desc(dnnl::prop_kind::forward_inference, x_md, epsilon, flags);
      dnnl::primitive_attr attr;
      attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
      dnnl::batch_normalization_forward::primitive_desc pd(desc, attr, dnnl_util::engine());
      bn_ = BoundPrimitive(dnnl::batch_normalization_forward(pd), pd, threads_);
    } catch (const dnnl::error& e) {
      dnnl_util::rethrow_as_unsupported(e, what);
    }
    src_arg_ = bn_.add(DNNL_ARG_SRC, x_md);
    dst_arg_ = bn_.add(DNNL_ARG_DST, y_md);
    const int args[4] = {DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE};
    for (size_t i = 0; i < 4; ++i) {
      const TensorInfo& p = init.inputs[i + 1];
      if (p.constant != nullptr) {
        params_[i] = AlignedBuffer(static_cast<size_t>(c) * sizeof(float));
        std::copy_n(p.constant->data<float>(), c, static_cast<float*>(params_[i].data()));
        bn_.add(args[i], p_md, params_[i].data());
      } else {
        param_args_[i] = bn_.add(args[i], p_md);
      }
    }
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (empty_) return;
    for (size_t i = 0; i < 4; ++i) {
      if (param_args_[i] >= 0) bn_.set(param_args_[i], inputs[i + 1].raw());
    }
    bn_.set(src_arg_, inputs[0].raw());
    bn_.set(dst_arg_, outputs[0].raw());
    bn_.execute(stream_);
  }

 private:
  int threads_;
  dnnl::stream stream_;
  bool empty_ = false;
  BoundPrimitive bn_;
  AlignedBuffer params_[4];
  int src_arg_ = -1, dst_arg_ = -1;
  int param_args_[4] = {-1, -1, -1, -1};
};

}  // namespace

/// Factory for BatchNormalization (see kernels.def).
std::unique_ptr<Kernel> create_batch_norm_kernel(const KernelInit& init) { return std::make_unique<BatchNormKernel>(init); }

}  // namespace ramiel::runtime
