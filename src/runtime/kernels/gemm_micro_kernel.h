#pragma once
/// \file
/// The register-blocked GEMM micro-kernel shared by ramiel's own matrix products (the Winograd
/// convolution, packed_gemm): up to 6 rows of A times one packed panel of B, as in BLIS/XNNPACK's
/// 6x16 AVX2 kernels; gemm::avx2 (panels of 8 or 16 columns, 12 accumulators) and gemm::avx512
/// (panels of up to 64 columns, 24 accumulators), one body (gemm_micro_kernel.inc) compiled for
/// each. Each output element is one chain of FMAs over the depth in order, so its value does not
/// depend on which rows or columns are computed together (slices give the bits of the whole
/// product).

#include <cstdint>

#include "runtime/kernels/simd.h"

namespace ramiel::runtime::gemm {

/// Rows of A per micro-kernel call.
inline constexpr int64_t kRows = 6;
/// Columns of B per packed panel (two AVX2 vectors).
inline constexpr int64_t kPanel = 16;

#if defined(RAMIEL_HAVE_SIMD)

RAMIEL_SIMD_AVX2_BEGIN
/// The micro-kernel on AVX2+FMA (8-float registers; panels of kPanel = 2 registers).
namespace avx2 {
using namespace simd::avx2;
#include "runtime/kernels/gemm_micro_kernel.inc"
}  // namespace avx2
RAMIEL_SIMD_END

RAMIEL_SIMD_AVX512_BEGIN
/// The micro-kernel on AVX-512F (16-float registers).
namespace avx512 {
using namespace simd::avx512;
#include "runtime/kernels/gemm_micro_kernel.inc"
}  // namespace avx512
RAMIEL_SIMD_END

using avx2::micro_kernel_rows;

/// Packs `rows` (<= kRows) rows of `depth` values of a (row stride lda) as one micro-panel
/// [depth][kRows] for micro_kernel<..., true> (rows beyond `rows` are left as they are).
inline void pack_rows(const float* a, int64_t rows, int64_t lda, int64_t depth, float* panel) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t d = 0; d < depth; ++d) panel[d * kRows + r] = a[r * lda + d];
  }
}

#endif  // x86

}  // namespace ramiel::runtime::gemm
