#pragma once
/// \file
/// Weight formats and strided-operand staging shared by the Gemm and MatMul kernels.

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cstdint>

#include "runtime/kernels/dnnl_common.h"

namespace ramiel::runtime {

/// Row-major [k, n] float weights.
inline dnnl::memory::desc b_row_major(dnnl::memory::dim k, dnnl::memory::dim n) {
  return dnnl::memory::desc({k, n}, dnnl::memory::data_type::f32, dnnl::memory::dims{n, 1});
}

/// Column-major [k, n] float weights (n rows of k contiguous values). Measured on AVX2, where
/// oneDNN 2.6 has no blocked matmul format and runs gemm:jit: 1.0-2.1x faster than row-major for
/// M >= 64 (BERT 128x768x3072: 10.3 vs 17.7 ms), equal within noise for M = 1.
inline dnnl::memory::desc b_col_major(dnnl::memory::dim k, dnnl::memory::dim n) {
  return dnnl::memory::desc({k, n}, dnnl::memory::data_type::f32, dnnl::memory::dims{1, k});
}

/// A slice's rows of `columns` floats that lie `stride` apart in a whole tensor, staged in a dense
/// buffer: oneDNN runs strided operands on other implementations (gemm:jit rather than brgemm on
/// AVX-512), whose sums round differently from the whole kernel's, so a slice hands it dense ones.
class DenseRows {
 public:
  DenseRows() = default;
  /// Stages `rows` rows (none: a dense operand, used in place).
  DenseRows(int64_t rows, int64_t columns, int64_t stride)
      : rows_(rows), columns_(columns), stride_(stride), buffer_(static_cast<size_t>(rows * columns) * sizeof(float)) {}
  /// True when the operand goes through the buffer.
  bool staged() const { return rows_ > 0; }
  /// An input for oneDNN to read: `operand`, or its rows copied into the buffer.
  const void* read(const void* operand) {
    if (!staged()) return operand;
    copy(static_cast<const float*>(operand), stride_, static_cast<float*>(buffer_.data()), columns_);
    return buffer_.data();
  }
  /// An output for oneDNN to write: `operand`, or the buffer (then call written(operand)).
  void* write(void* operand) { return staged() ? buffer_.data() : operand; }
  /// After oneDNN wrote write(operand): copies the buffer's rows out to `operand`.
  void written(void* operand) const {
    if (staged()) copy(static_cast<const float*>(buffer_.data()), columns_, static_cast<float*>(operand), stride_);
  }

 private:
  void copy(const float* from, int64_t from_stride, float* to, int64_t to_stride) const {
    for (int64_t i = 0; i < rows_; ++i) std::copy_n(from + i * from_stride, columns_, to + i * to_stride);
  }
  int64_t rows_ = 0, columns_ = 0, stride_ = 0;
  dnnl_util::AlignedBuffer buffer_;
};

}  // namespace ramiel::runtime
