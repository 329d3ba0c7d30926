// Gemm: Y = alpha * A' * B' + beta * C (A' = A or A^T, B' = B or B^T, C broadcast to [M,N]), on
// oneDNN matmul. Transposes are strides, not copies. A constant B is scaled by alpha and packed
// once into oneDNN's preferred format; a constant C becomes the (pre-scaled) bias. Slices
// (KernelInit::slice) split the columns in blocks of 16 (a classifier's 1000 outputs at batch 1):
// each slice packs and streams only its part of B and writes its columns of Y, with the bits of
// the whole kernel (every operand oneDNN sees is dense, as the whole kernel's: DenseRows).
#include <algorithm>
#include <cstddef>
#include <memory>

#include "ramiel/error.h"
#include "runtime/kernel.h"
#include "runtime/kernels/dnnl_common.h"
#include "runtime/kernels/matmul_util.h"
#include "runtime/slicing.h"

namespace ramiel::runtime {
namespace {

using dnnl_util::AlignedBuffer;
using dnnl_util::BoundPrimitive;
using Tag = dnnl::memory::format_tag;
using Dims = dnnl::memory::dims;

class GemmKernel final : public Kernel {
 public:
  explicit GemmKernel(const KernelInit& init) : threads_(init.threads), stream_(dnnl_util::engine()) {
    const ir::Node& node = init.node;
    const std::string what = "Gemm '" + node.name + "'";
    if (init.inputs.size() < 2 || init.inputs[0].absent() || init.inputs[1].absent()) {
      throw Error(ErrorKind::kInvalidModel, what + ": needs inputs A and B");
    }
    const TensorInfo& a = init.inputs[0];
    const TensorInfo& b = init.inputs[1];
    const TensorInfo* c = init.inputs.size() > 2 && !init.inputs[2].absent() ? &init.inputs[2] : nullptr;
    for (const TensorInfo* t : {&a, &b, c}) {
      if (t != nullptr && t->dtype != ir::DataType::kFloat32) {
        throw Error(ErrorKind::kUnsupported, what + ": element type " + std::string(ir::to_string(t->dtype)) + " (only float)");
      }
    }
    if (a.dims.size() != 2 || b.dims.size() != 2) {
      throw Error(ErrorKind::kInvalidModel, what + ": A and B must be 2-D, got " + ir::to_string(a.dims) + " and " + ir::to_string(b.dims));
    }
    const bool trans_a = node.attr_int("transA", 0) != 0, trans_b = node.attr_int("transB", 0) != 0;
    const float alpha = node.attr_float("alpha", 1.0f), beta = node.attr_float("beta", 1.0f);
    const int64_t m = trans_a ? a.dims[1] : a.dims[0], k = trans_a ? a.dims[0] : a.dims[1];
    const int64_t kb = trans_b ? b.dims[1] : b.dims[0], n = trans_b ? b.dims[0] : b.dims[1];
    if (k != kb) {
      throw Error(ErrorKind::kInvalidModel, what + ": A " + ir::to_string(a.dims) + " and B " + ir::to_string(b.dims) +
                                                " do not multiply (transA=" + std::to_string(trans_a) + ", transB=" + std::to_string(trans_b) + ")");
    }
    TensorInfo y;
    y.dtype = ir::DataType::kFloat32;
    y.dims = {m, n};
    outputs_.push_back(y);
    Dims c_dims;
    if (c != nullptr && beta != 0.0f) {
      if (c->dims.size() > 2) throw Error(ErrorKind::kInvalidModel, what + ": C has rank " + std::to_string(c->dims.size()));
      c_dims = c->dims.size() == 2 ? Dims{c->dims[0], c->dims[1]} : c->dims.size() == 1 ? Dims{1, c->dims[0]} : Dims{1, 1};
      if ((c_dims[0] != 1 && c_dims[0] != m) || (c_dims[1] != 1 && c_dims[1] != n)) {
        throw Error(ErrorKind::kInvalidModel, what + ": C " + ir::to_string(c->dims) + " does not broadcast to [" +
                                                  std::to_string(m) + "," + std::to_string(n) + "]");
      }
    }
    if (m * n == 0) {
      empty_ = true;
      return;
    }
    if (k == 0) throw Error(ErrorKind::kUnsupported, what + ": inner dimension 0");

    // The columns [j0, j0 + ns) this kernel computes.
    int64_t j0 = 0, ns = n;
    if (!init.slice.whole()) {
      constexpr int64_t kColumnBlock = 16;
      const int64_t blocks = n / kColumnBlock;
      if (blocks < init.slice.count) {
        throw Error(ErrorKind::kUnsupported, what + ": cannot compute " + init.slice.describe() + " of " + std::to_string(n) + " columns");
      }
      const auto [u0, u1] = slice_range(blocks, init.slice.index, init.slice.count);
      j0 = u0 * kColumnBlock;
      ns = (init.slice.index + 1 == init.slice.count ? n : u1 * kColumnBlock) - j0;
    }
    const auto f32 = dnnl::memory::data_type::f32;
    dnnl::memory::desc a_md({m, k}, f32, trans_a ? Dims{1, m} : Dims{k, 1});
    dnnl::memory::desc b_user({k, ns}, f32, trans_b ? Dims{1, k} : Dims{n, 1});
    const int64_t b_first = trans_b ? j0 * k : j0;  // element of B where the slice's columns start
    b_offset_ = static_cast<size_t>(b_first) * sizeof(float);
    // A slice hands oneDNN dense operands, as the whole kernel has (DenseRows, matmul_util.h): a
    // single row is dense in place, several strided rows are staged.
    const bool strided = ns != n;
    dnnl::memory::desc y_md({m, ns}, f32, Dims{ns, 1});
    y_offset_ = static_cast<size_t>(j0) * sizeof(float);
    if (strided && m > 1) y_rows_ = DenseRows(m, ns, n);
    const bool pack_b = b.constant != nullptr;
    // A runtime B's columns are k strided rows unless B is transposed (then they are dense).
    const bool stage_b = !pack_b && !trans_b && strided;
    if (stage_b) b_rows_ = DenseRows(k, ns, n);
    dnnl::memory::desc b_md = pack_b ? dnnl::memory::desc({k, ns}, f32, Tag::any) : stage_b ? dnnl::memory::desc({k, ns}, f32, Dims{ns, 1}) : b_user;

    // alpha: folded into a constant B, else an output scale.
    float scale = pack_b ? 1.0f : alpha;
    const bool runtime_c = !c_dims.empty() && c->constant == nullptr;
    if (runtime_c && beta != 1.0f) scale /= beta;  // dst = beta * (scale * AB + C)
    dnnl::memory::desc bias_md, c_md;
    if (!c_dims.empty()) {
      // C's part for the slice's columns (all of a C broadcast along them).
      const int64_t c_row = c_dims[1], c_cols = c_row == 1 ? 1 : ns, c_first = c_row == 1 ? 0 : j0;
      c_offset_ = static_cast<size_t>(c_first) * sizeof(float);
      c_md = dnnl::memory::desc({c_dims[0], c_cols}, f32, Dims{c_cols, 1});
      if (runtime_c && c_dims[0] > 1 && c_cols != c_row) c_rows_ = DenseRows(c_dims[0], c_cols, c_row);
      if (!runtime_c) {
        c_buf_ = AlignedBuffer(static_cast<size_t>(c_dims[0] * c_cols) * sizeof(float));
        float* dst = static_cast<float*>(c_buf_.data());
        for (int64_t i = 0; i < c_dims[0]; ++i) {
          for (int64_t j = 0; j < c_cols; ++j) dst[i * c_cols + j] = beta * c->constant->data<float>()[i * c_row + c_first + j];
        }
        if (scale == 1.0f) bias_md = c_md;
      }
    }
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (scale != 1.0f) attr.set_output_scales(0, {scale});
    dnnl::post_ops ops;
    const bool c_post_op = !c_dims.empty() && !bias_md;
    if (c_post_op) {
      ops.append_binary(dnnl::algorithm::binary_add, c_md);
      if (runtime_c && beta != 1.0f) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, beta, 0.0f);
      attr.set_post_ops(ops);
    }
    dnnl_util::ThreadScope scope(threads_);
    try {
      auto make_desc = [&](const dnnl::memory::desc& w) {
        return bias_md ? dnnl::matmul::desc(a_md, w, bias_md, y_md) : dnnl::matmul::desc(a_md, w, y_md);
      };
      dnnl::matmul::primitive_desc pd(make_desc(b_md), attr, dnnl_util::engine());
      if (pack_b && pd.weights_desc() == b_row_major(k, ns)) {
        // No blocked format (AVX2: gemm:jit): column-major packed weights run up to 2x faster.
        pd = dnnl::matmul::primitive_desc(make_desc(b_col_major(k, ns)), attr, dnnl_util::engine());
      }
      mm_ = BoundPrimitive(dnnl::matmul(pd), pd, threads_);
      b_md = pd.weights_desc();
    } catch (const dnnl::error& e) {
      dnnl_util::rethrow_as_unsupported(e, what);
    }
    a_arg_ = mm_.add(DNNL_ARG_SRC, a_md);
    y_arg_ = mm_.add(DNNL_ARG_DST, y_md);
    if (pack_b) {
      std::vector<float> scaled(b.constant->data<float>(), b.constant->data<float>() + k * n);
      if (alpha != 1.0f)
        for (float& v : scaled) v *= alpha;
      b_buf_ = AlignedBuffer(b_md.get_size());
      dnnl_util::reorder_now(b_user, scaled.data() + b_first, b_md, b_buf_.data(), threads_);
      mm_.add(DNNL_ARG_WEIGHTS, b_md, b_buf_.data());
    } else {
      b_arg_ = mm_.add(DNNL_ARG_WEIGHTS, b_md);
    }
    if (bias_md) {
      mm_.add(DNNL_ARG_BIAS, bias_md, c_buf_.data());
    } else if (c_post_op) {
      int arg = DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1;
      if (runtime_c) {
        c_arg_ = mm_.add(arg, c_md);
      } else {
        mm_.add(arg, c_md, c_buf_.data());
      }
    }
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (empty_) return;
    mm_.set(a_arg_, inputs[0].raw());
    if (b_arg_ >= 0) mm_.set(b_arg_, b_rows_.read(static_cast<const std::byte*>(inputs[1].raw()) + b_offset_));
    if (c_arg_ >= 0) mm_.set(c_arg_, c_rows_.read(static_cast<const std::byte*>(inputs[2].raw()) + c_offset_));
    std::byte* y = static_cast<std::byte*>(outputs[0].raw()) + y_offset_;
    mm_.set(y_arg_, y_rows_.write(y));
    mm_.execute(stream_);
    y_rows_.written(y);
  }

 private:
  int threads_;
  dnnl::stream stream_;
  bool empty_ = false;
  BoundPrimitive mm_;
  AlignedBuffer b_buf_, c_buf_;
  DenseRows b_rows_, c_rows_, y_rows_;  // a slice's strided runtime B and C and its output, staged dense
  int a_arg_ = -1, b_arg_ = -1, c_arg_ = -1, y_arg_ = -1;
  size_t b_offset_ = 0, c_offset_ = 0, y_offset_ = 0;  // bytes into each tensor (column slices)
};

}  // namespace

/// Factory for Gemm (see kernels.def).
std::unique_ptr<Kernel> create_gemm_kernel(const KernelInit& init) { return std::make_unique<GemmKernel>(init); }

}  // namespace ramiel::runtime
