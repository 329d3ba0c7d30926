#pragma once
/// \file
/// ramiel's own float GEMM with a constant right operand packed once, on AVX2+FMA:
/// C = A * B (+ bias per column, then an activation). MatMul uses it for constant weights (BERT's
/// projections), where oneDNN 2.6 on AVX2 runs its gemm:jit at 55-80 GFLOP/s and re-packs the
/// weights on every call. Blocked as in BLIS: K in blocks whose panel slice stays in L1, rows in
/// blocks that stay in L2, the 6x16 micro-kernel of gemm_micro_kernel.h.

#include <cstdint>

#include "runtime/kernel.h"
#include "runtime/kernels/dnnl_common.h"

namespace ramiel::runtime::gemm {

/// A [K x N] float matrix packed in panels of kPanel columns ([N / 16][K][16], the last panel
/// zero-padded).
class PackedMatrix {
 public:
  PackedMatrix() = default;
  /// Packs columns [0, cols) of the row-major `b` with `rows` rows and row stride `ldb`.
  PackedMatrix(const float* b, int64_t rows, int64_t cols, int64_t ldb);
  /// K.
  int64_t rows() const { return rows_; }
  /// N.
  int64_t cols() const { return cols_; }
  /// Panel `p` (columns 16p .. 16p + 15): rows() rows of 16 values.
  const float* panel(int64_t p) const { return static_cast<const float*>(data_.data()) + p * rows_ * 16; }

 private:
  int64_t rows_ = 0, cols_ = 0;
  dnnl_util::AlignedBuffer data_;
};

/// What packed_gemm() applies to each output element after the product.
struct Epilogue {
  const float* bias = nullptr;  ///< One value per column (nullptr: none).
  FusedActivation activation = FusedActivation::kNone;
  float clip_min = 0, clip_max = 0;  ///< kClip bounds.
};

/// C[m x N] = A[m x K] * B, then the epilogue; A and C row-major with row strides lda and ldc.
/// Deterministic, and each element's value does not depend on m, on which rows are computed or on
/// `threads` (more than 1: panels of columns shared out over OpenMP threads).
void packed_gemm(const float* a, int64_t m, int64_t lda, const PackedMatrix& b, float* c, int64_t ldc, const Epilogue& epilogue,
                 int threads = 1);

/// True when MatMul should use packed_gemm() here: AVX2 and FMA (AVX2 code not turned off), oneDNN
/// not on AVX-512 (whose GEMM is twice as wide), and not turned off (set_packed_gemm_enabled, or the
/// environment variable RAMIEL_NO_PACKED_GEMM).
bool packed_gemm_available();

/// Turns packed_gemm() on or off for kernels created from now on (tests and benchmarks compare).
void set_packed_gemm_enabled(bool enabled);

}  // namespace ramiel::runtime::gemm
