// Softmax and LogSoftmax on oneDNN. Opset 13+: along one axis (default -1). Before opset 13: the
// input is coerced to 2-D [prod(dims before axis), prod(dims from axis)] (default axis 1) and
// normalised along the second dim.
#include <memory>

#include "ramiel/error.h"
#include "runtime/kernel.h"
#include "runtime/kernels/dnnl_common.h"

namespace ramiel::runtime {
namespace {

using dnnl_util::BoundPrimitive;

class SoftmaxKernel final : public Kernel {
 public:
  SoftmaxKernel(const KernelInit& init, bool log) : threads_(init.threads), stream_(dnnl_util::engine()) {
    const ir::Node& node = init.node;
    const std::string what = node.op_type + " '" + node.name + "'";
    if (init.inputs.size() != 1 || init.inputs[0].absent()) throw Error(ErrorKind::kInvalidModel, what + ": needs one input");
    const TensorInfo& x = init.inputs[0];
    if (x.dtype != ir::DataType::kFloat32) {
      throw Error(ErrorKind::kUnsupported, what + ": element type " + std::string(ir::to_string(x.dtype)) + " (only float)");
    }
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    TensorInfo y;
    y.dtype = x.dtype;
    y.dims = x.dims;
    outputs_.push_back(y);
    if (rank == 0) throw Error(ErrorKind::kInvalidModel, what + ": scalar input");
    int64_t axis = node.attr_int("axis", init.opset >= 13 ? -1 : 1);
    if (axis < -rank || axis >= rank) {
      throw Error(ErrorKind::kInvalidModel, what + ": axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
    }
    if (axis < 0) axis += rank;
    empty_ = ir::element_count(x.dims) == 0;
    if (empty_) return;
    ir::Dims dims = x.dims;
    int softmax_axis = static_cast<int>(axis);
    if (init.opset < 13) {
      int64_t outer = 1, inner = 1;
      for (int64_t i = 0; i < rank; ++i) (i < axis ? outer : inner) *= x.dims[static_cast<size_t>(i)];
      dims = {outer, inner};
      softmax_axis = 1;
    }
    dnnl::memory::desc md = dnnl_util::md(dims, x.dtype);
    dnnl_util::ThreadScope scope(threads_);
    try {
      dnnl::primitive_attr attr;
      attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
      if (log) {
        dnnl::logsoftmax_forward::desc desc(dnnl::prop_kind::forward_inference, md, softmax_axis);
        dnnl::logsoftmax_forward::primitive_desc pd(desc, attr, dnnl_util::engine());
        prim_ = BoundPrimitive(dnnl::logsoftmax_forward(pd), pd, threads_);
      } else {
        dnnl::softmax_forward::desc desc(dnnl::prop_kind::forward_inference, md, softmax_axis);
        dnnl::softmax_forward::primitive_desc pd(desc, attr, dnnl_util::engine());
        prim_ = BoundPrimitive(dnnl::softmax_forward(pd), pd, threads_);
      }
    } catch (const dnnl::error& e) {
      dnnl_util::rethrow_as_unsupported(e, what);
    }
    src_arg_ = prim_.add(DNNL_ARG_SRC, md);
    dst_arg_ = prim_.add(DNNL_ARG_DST, md);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (empty_) return;
    prim_.set(src_arg_, inputs[0].raw());
    prim_.set(dst_arg_, outputs[0].raw());
    prim_.execute(stream_);
  }

 private:
  int threads_;
  dnnl::stream stream_;
  bool empty_ = false;
  BoundPrimitive prim_;
  int src_arg_ = -1, dst_arg_ = -1;
};

}  // namespace

/// Factory for Softmax (see kernels.def).
std::unique_ptr<Kernel> create_softmax_kernel(const KernelInit& init) { return std::make_unique<SoftmaxKernel>(init, false); }
/// Factory for LogSoftmax (see kernels.def).
std::unique_ptr<Kernel> create_log_softmax_kernel(const KernelInit& init) {
  return std::make_unique<SoftmaxKernel>(init, true);
}

}  // namespace ramiel::runtime
