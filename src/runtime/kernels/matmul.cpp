// MatMul (numpy semantics): batched, with broadcasting batch dims and 1-D operands, on oneDNN
// matmul. A 2-D right operand folds the left operand's batch dims into M (one big GEMM); a
// constant right operand is packed once into oneDNN's preferred format. Slices (KernelInit::slice)
// split the columns of a folded GEMM with more columns than rows (each slice then packs and streams
// only its part of the weights), else its rows, else the outermost batch dim. A constant 2-D B with
// at least 6 rows of A runs on ramiel's own packed GEMM (packed_gemm.h) instead, same slices.
#include <cstddef>
#include <cstring>
#include <memory>

#include "ramiel/error.h"
#include "runtime/kernel.h"
#include "runtime/kernels/dnnl_common.h"
#include "runtime/kernels/gemm_micro_kernel.h"
#include "runtime/kernels/matmul_util.h"
#include "runtime/kernels/packed_gemm.h"

namespace ramiel::runtime {
namespace {

using dnnl_util::AlignedBuffer;
using dnnl_util::BoundPrimitive;
using Tag = dnnl::memory::format_tag;
using Dims = dnnl::memory::dims;

class MatMulKernel final : public Kernel {
 public:
  explicit MatMulKernel(const KernelInit& init) : threads_(init.threads), stream_(dnnl_util::engine()) {
    const ir::Node& node = init.node;
    const std::string what = "MatMul '" + node.name + "'";
    if (init.inputs.size() != 2 || init.inputs[0].absent() || init.inputs[1].absent()) {
      throw Error(ErrorKind::kInvalidModel, what + ": needs inputs A and B");
    }
    const TensorInfo& a = init.inputs[0];
    const TensorInfo& b = init.inputs[1];
    if (a.dtype != ir::DataType::kFloat32 || b.dtype != ir::DataType::kFloat32) {
      throw Error(ErrorKind::kUnsupported, what + ": element type " + std::string(ir::to_string(a.dtype)) + " (only float)");
    }
    if (a.dims.empty() || b.dims.empty()) throw Error(ErrorKind::kInvalidModel, what + ": scalar operands");
    // Fused Transposes: each operand as the permuted view of the tensor passed (strides, no copy).
    const std::vector<int64_t> no_perm;
    const std::vector<int64_t>& a_perm = init.input_perms.size() > 0 ? init.input_perms[0] : no_perm;
    const std::vector<int64_t>& b_perm = init.input_perms.size() > 1 ? init.input_perms[1] : no_perm;
    const bool strided = !a_perm.empty() || !b_perm.empty() || !init.output_perm.empty();
    Dims a_strides = permuted_strides(a.dims, a_perm, what), b_strides = permuted_strides(b.dims, b_perm, what);
    // Promote 1-D operands: A [K] -> [1,K], B [K] -> [K,1]; the added dims are dropped from Y.
    ir::Dims ad = permuted(a.dims, a_perm), bd = permuted(b.dims, b_perm);
    if (ad.size() == 1) ad.insert(ad.begin(), 1);
    if (bd.size() == 1) bd.push_back(1);
    const int64_t m = ad[ad.size() - 2], k = ad.back(), n = bd.back();
    if (bd[bd.size() - 2] != k) {
      throw Error(ErrorKind::kInvalidModel, what + ": A " + ir::to_string(a.dims) + " and B " + ir::to_string(b.dims) + " do not multiply");
    }
    const size_t rank = std::max(ad.size(), bd.size());
    if (rank > 12) throw Error(ErrorKind::kUnsupported, what + ": rank " + std::to_string(rank) + " (oneDNN takes up to 12)");
    ir::Dims ap(rank - ad.size(), 1), bp(rank - bd.size(), 1);
    ap.insert(ap.end(), ad.begin(), ad.end());
    bp.insert(bp.end(), bd.begin(), bd.end());
    if (strided && (a.dims.size() < 2 || b.dims.size() < 2)) throw Error(ErrorKind::kUnsupported, what + ": a fused Transpose with a 1-D operand");
    a_strides.insert(a_strides.begin(), rank - a_strides.size(), ir::element_count(a.dims));
    b_strides.insert(b_strides.begin(), rank - b_strides.size(), ir::element_count(b.dims));
    ir::Dims yd(rank);
    for (size_t i = 0; i + 2 < rank; ++i) {
      if (ap[i] != bp[i] && ap[i] != 1 && bp[i] != 1) {
        throw Error(ErrorKind::kInvalidModel, what + ": batch dims of " + ir::to_string(a.dims) + " and " + ir::to_string(b.dims) + " do not broadcast");
      }
      yd[i] = ap[i] == 1 ? bp[i] : ap[i];
    }
    yd[rank - 2] = m;
    yd[rank - 1] = n;
    TensorInfo y;
    y.dtype = ir::DataType::kFloat32;
    y.dims = yd;
    if (a.dims.size() == 1) y.dims.erase(y.dims.end() - 2);
    if (b.dims.size() == 1) y.dims.erase(y.dims.end() - 1);
    // A fused Transpose after the MatMul: Y is stored permuted; the product writes through strides.
    Dims y_strides = dnnl_util::plain_strides(yd);
    if (!init.output_perm.empty()) {
      permuted_strides(yd, init.output_perm, what);  // checks the permutation
      y.dims = permuted(yd, init.output_perm);
      const Dims stored = dnnl_util::plain_strides(y.dims);
      for (size_t d = 0; d < rank; ++d) y_strides[static_cast<size_t>(init.output_perm[d])] = stored[d];
    }
    outputs_.push_back(y);
    if (ir::element_count(yd) == 0) {
      empty_ = true;
      return;
    }
    if (k == 0) throw Error(ErrorKind::kUnsupported, what + ": inner dimension 0");

    // B without real batch dims: fold A's batch into M.
    bool b_is_matrix = !strided;
    for (size_t i = 0; i + 2 < rank; ++i) b_is_matrix = b_is_matrix && bp[i] == 1;
    Dims a_dims, b_dims, y_dims;
    if (b_is_matrix) {
      int64_t rows = ir::element_count(ap) / k;
      a_dims = {rows, k};
      b_dims = {k, n};
      y_dims = {rows, n};
    } else {
      a_dims = Dims(ap.begin(), ap.end());
      b_dims = Dims(bp.begin(), bp.end());
      y_dims = Dims(yd.begin(), yd.end());
    }
    // Decided on the whole node's shape, so that every slice runs the same arithmetic.
    const bool packed = b_is_matrix && b.constant != nullptr && a_dims[0] >= gemm::kRows && init.output_scale == 1.0f &&
                        gemm::packed_gemm_available();
    if (!init.slice.whole()) {
      if (strided) throw Error(ErrorKind::kUnsupported, what + ": slices of a MatMul with fused Transposes");
      slice_rows(init.slice, a_dims, b_dims, y_dims, what);
    }
    if (init.bias != nullptr) prepare_bias(*init.bias, y_dims, n, what);
    if (packed) {
      // ramiel's packed GEMM (packed_gemm.h); a single row (M = 1) stays on oneDNN's faster gemv.
      const int64_t ldb = b_row_stride_ > 0 ? b_row_stride_ : b_dims[1];
      packed_b_ = gemm::PackedMatrix(reinterpret_cast<const float*>(static_cast<const std::byte*>(b.constant->raw()) + b_offset_),
                                     b_dims[0], b_dims[1], ldb);
      packed_rows_ = a_dims[0];
      packed_ldc_ = y_row_stride_ > 0 ? y_row_stride_ : y_dims[1];
      epilogue_ = {init.bias != nullptr ? static_cast<const float*>(bias_buf_.data()) : nullptr, init.activation, init.clip_min,
                   init.clip_max};
      return;
    }
    const auto f32 = dnnl::memory::data_type::f32;
    dnnl::memory::desc a_md(a_dims, f32, strided ? a_strides : dnnl_util::plain_strides(ir::Dims(a_dims.begin(), a_dims.end())));
    dnnl::memory::desc b_user(b_dims, f32, strided ? b_strides : b_row_stride_ > 0 ? Dims{b_row_stride_, 1}
                                                               : dnnl_util::plain_strides(ir::Dims(b_dims.begin(), b_dims.end())));
    // A column slice hands oneDNN a dense Y (and runtime B), as the whole kernel has (DenseRows):
    // a single row is dense in place, several strided rows are staged.
    dnnl::memory::desc y_md(y_dims, f32, strided ? y_strides : dnnl_util::plain_strides(ir::Dims(y_dims.begin(), y_dims.end())));
    if (y_row_stride_ > 0 && y_dims[0] > 1) y_rows_ = DenseRows(y_dims[0], y_dims[1], y_row_stride_);
    const bool pack_b = b.constant != nullptr;
    if (!pack_b && b_row_stride_ > 0) b_rows_ = DenseRows(b_dims[0], b_dims[1], b_row_stride_);
    dnnl::memory::desc b_md = pack_b ? dnnl::memory::desc(b_dims, f32, Tag::any)
                              : b_rows_.staged() ? dnnl::memory::desc(b_dims, f32, dnnl_util::plain_strides(ir::Dims(b_dims.begin(), b_dims.end())))
                                                 : b_user;
    dnnl::memory::desc bias_md;
    if (init.bias != nullptr) bias_md = bias_desc(y_dims);
    dnnl_util::ThreadScope scope(threads_);
    try {
      const dnnl::primitive_attr attr = dnnl_util::kernel_attributes(init);  // with a fused GELU or scale
      auto desc = [&](const dnnl::memory::desc& weights) {
        return init.bias != nullptr ? dnnl::matmul::desc(a_md, weights, bias_md, y_md) : dnnl::matmul::desc(a_md, weights, y_md);
      };
      dnnl::matmul::primitive_desc pd(desc(b_md), attr, dnnl_util::engine());
      if (pack_b && b_dims.size() == 2 && pd.weights_desc() == b_row_major(b_dims[0], b_dims[1])) {
        // No blocked format (AVX2: gemm:jit): column-major packed weights run up to 2x faster.
        pd = dnnl::matmul::primitive_desc(desc(b_col_major(b_dims[0], b_dims[1])), attr, dnnl_util::engine());
      }
      mm_ = BoundPrimitive(dnnl::matmul(pd), pd, threads_);
      implementation_ = pd.impl_info_str();
      b_md = pd.weights_desc();
    } catch (const dnnl::error& e) {
      dnnl_util::rethrow_as_unsupported(e, what);
    }
    a_arg_ = mm_.add(DNNL_ARG_SRC, a_md);
    if (init.bias != nullptr) mm_.add(DNNL_ARG_BIAS, bias_md, bias_buf_.data());
    y_arg_ = mm_.add(DNNL_ARG_DST, y_md);
    if (pack_b) {
      b_buf_ = AlignedBuffer(b_md.get_size());
      dnnl_util::reorder_now(b_user, static_cast<const std::byte*>(b.constant->raw()) + b_offset_, b_md, b_buf_.data(), threads_);
      mm_.add(DNNL_ARG_WEIGHTS, b_md, b_buf_.data());
    } else {
      b_arg_ = mm_.add(DNNL_ARG_WEIGHTS, b_md);
    }
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (empty_) return;
    if (packed_rows_ > 0) {
      gemm::packed_gemm(reinterpret_cast<const float*>(static_cast<const std::byte*>(inputs[0].raw()) + a_offset_), packed_rows_,
                        packed_b_.rows(), packed_b_, reinterpret_cast<float*>(static_cast<std::byte*>(outputs[0].raw()) + y_offset_),
                        packed_ldc_, epilogue_, threads_);
      return;
    }
    mm_.set(a_arg_, static_cast<const std::byte*>(inputs[0].raw()) + a_offset_);
    if (b_arg_ >= 0) mm_.set(b_arg_, b_rows_.read(static_cast<const std::byte*>(inputs[1].raw()) + b_offset_));
    std::byte* y = static_cast<std::byte*>(outputs[0].raw()) + y_offset_;
    mm_.set(y_arg_, y_rows_.write(y));
    mm_.execute(stream_);
    y_rows_.written(y);
  }

  std::string implementation() const override { return packed_rows_ > 0 ? "ramiel_packed_gemm" : implementation_; }

 private:
  // `dims` permuted by `perm` (ONNX Transpose: result dim d is dims[perm[d]]); `dims` if perm is empty.
  static ir::Dims permuted(const ir::Dims& dims, const std::vector<int64_t>& perm) {
    if (perm.empty()) return dims;
    ir::Dims out;
    for (int64_t p : perm) out.push_back(dims[static_cast<size_t>(p)]);
    return out;
  }

  // The strides (elements) of the permuted view of a row-major tensor of `dims`, after checking
  // that `perm` is a permutation of its axes.
  static Dims permuted_strides(const ir::Dims& dims, const std::vector<int64_t>& perm, const std::string& what) {
    const Dims plain = dnnl_util::plain_strides(dims);
    if (perm.empty()) return plain;
    std::vector<char> seen(dims.size(), 0);
    Dims out;
    for (int64_t p : perm) {
      if (perm.size() != dims.size() || p < 0 || p >= static_cast<int64_t>(dims.size()) || seen[static_cast<size_t>(p)]++) {
        throw Error(ErrorKind::kInvalidModel, what + ": a fused Transpose's permutation does not match its operand " + ir::to_string(dims));
      }
      out.push_back(plain[static_cast<size_t>(p)]);
    }
    return out;
  }

  // Copies the bias values of this kernel's columns (all, or a column slice's: y_offset_ / 4
  // onwards). `n` is the node's column count.
  void prepare_bias(const ir::Tensor& bias, const Dims& y_dims, int64_t n, const std::string& what) {
    if (bias.dtype() != ir::DataType::kFloat32 || bias.size() != n) {
      throw Error(ErrorKind::kInvalidModel, what + ": a fused bias of " + std::to_string(bias.size()) + " values for " + std::to_string(n) + " columns");
    }
    const int64_t first = static_cast<int64_t>(y_offset_ / sizeof(float)) % n, count = y_dims.back();
    bias_buf_ = dnnl_util::AlignedBuffer(static_cast<size_t>(count) * sizeof(float));
    std::memcpy(bias_buf_.data(), bias.data<float>() + first, static_cast<size_t>(count) * sizeof(float));
  }

  // The bias values' descriptor, broadcast over every dim of Y but the last.
  static dnnl::memory::desc bias_desc(const Dims& y_dims) {
    Dims dims(y_dims.size(), 1);
    dims.back() = y_dims.back();
    return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, dnnl_util::plain_strides(ir::Dims(dims.begin(), dims.end())));
  }

  // Restricts the problem to slice `slice`: for a folded GEMM (2-D) whose B is larger than A (weights
  // at batch 1), a block of columns, so that each slice reads only its part of the weights; else the
  // outermost output dim larger than 1 (the rows of a folded GEMM, else a batch dim), which is
  // contiguous in A (unless broadcast), B (likewise) and Y.
  void slice_rows(const SliceSpec& slice, Dims& a_dims, Dims& b_dims, Dims& y_dims, const std::string& what) {
    size_t d = 0;
    while (d + 2 < y_dims.size() && y_dims[d] == 1) ++d;
    constexpr int64_t kColumnBlock = 16;  // whole vector registers (AVX-512) per slice
    const int64_t column_blocks = y_dims.back() / kColumnBlock;
    if (y_dims.size() == 2 && (y_dims[0] == 1 || (y_dims[1] > y_dims[0] && column_blocks >= slice.count)) &&
        y_dims[1] >= slice.count) {
      // Split the columns: B's and Y's column blocks are strided (packing a constant B reads its
      // block directly; Y keeps its full row length).
      auto [j0, j1] = slice_range(y_dims[1], slice.index, slice.count);
      if (column_blocks >= slice.count) {
        auto [u0, u1] = slice_range(column_blocks, slice.index, slice.count);
        j0 = u0 * kColumnBlock;
        j1 = slice.index + 1 == slice.count ? y_dims[1] : u1 * kColumnBlock;
      }
      b_row_stride_ = b_dims[1];
      y_row_stride_ = y_dims[1];
      b_offset_ = static_cast<size_t>(j0) * sizeof(float);
      y_offset_ = static_cast<size_t>(j0) * sizeof(float);
      b_dims[1] = y_dims[1] = j1 - j0;
      return;
    }
    if (y_dims[d] < slice.count) {
      throw Error(ErrorKind::kUnsupported, what + ": cannot compute " + slice.describe() + " of " + std::to_string(y_dims[d]) + " rows");
    }
    auto [i0, i1] = slice_range(y_dims[d], slice.index, slice.count);
    auto cut = [&](Dims& dims, size_t& offset) {
      if (dims.size() != y_dims.size() || dims[d] != y_dims[d]) return;  // broadcast along d: whole operand
      int64_t inner = 1;
      for (size_t i = d + 1; i < dims.size(); ++i) inner *= dims[i];
      offset = static_cast<size_t>(i0 * inner) * sizeof(float);
      dims[d] = i1 - i0;
    };
    cut(a_dims, a_offset_);
    if (d + 2 < y_dims.size()) cut(b_dims, b_offset_);  // the rows of a folded GEMM are A's alone
    cut(y_dims, y_offset_);
  }

  int threads_;
  dnnl::stream stream_;
  bool empty_ = false;
  BoundPrimitive mm_;
  AlignedBuffer b_buf_;
  AlignedBuffer bias_buf_;  // a fused bias Add's values (this slice's columns)
  int a_arg_ = -1, b_arg_ = -1, y_arg_ = -1;
  std::string implementation_;  // oneDNN's implementation
  size_t a_offset_ = 0, b_offset_ = 0, y_offset_ = 0;  // bytes into each tensor (slices)
  int64_t b_row_stride_ = 0;  // column slices: B's full row length (0: B is contiguous)
  int64_t y_row_stride_ = 0;  // column slices: Y's full row length (0: Y is contiguous)
  DenseRows b_rows_, y_rows_;  // a column slice's runtime B and its output, staged dense
  // ramiel's packed GEMM instead of oneDNN (packed_rows_ > 0): B packed, A's rows, Y's row stride.
  gemm::PackedMatrix packed_b_;
  int64_t packed_rows_ = 0, packed_ldc_ = 0;
  gemm::Epilogue epilogue_;
};

}  // namespace

/// Factory for MatMul (see kernels.def).
std::unique_ptr<Kernel> create_matmul_kernel(const KernelInit& init) { return std::make_unique<MatMulKernel>(init); }

}  // namespace ramiel::runtime
