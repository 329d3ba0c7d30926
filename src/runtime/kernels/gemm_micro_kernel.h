#pragma once
/// \file
/// The AVX2+FMA register-blocked GEMM micro-kernel shared by ramiel's own matrix products (the
/// Winograd convolution, packed_gemm): up to 6 rows of A times one packed panel of B of 8 or 16
/// columns, 12 accumulators, as in BLIS/XNNPACK's 6x16 AVX2 kernels. Each output element is one
/// chain of FMAs over the depth in order, so its value does not depend on which rows or columns
/// are computed together (slices give the bits of the whole product).

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "runtime/kernels/cpu_features.h"

namespace ramiel::runtime::gemm {

/// Rows of A per micro-kernel call.
inline constexpr int64_t kRows = 6;
/// Columns of B per packed panel (two AVX2 vectors).
inline constexpr int64_t kPanel = 16;

#if defined(__x86_64__) || defined(__i386__)

/// c[r][0 .. 8*NV) (+)= sum over d < depth of A(r, d) * b[d*8*NV .. +8*NV) for r < R; b is a
/// packed panel (64-byte aligned), c has row stride ldc (any alignment). A(r, d) is a[r*lda + d],
/// or with kPackedA a[d*kRows + r] (a micro-panel packed by pack_rows()). Accumulates into c when
/// `accumulate`, else overwrites it.
template <int R, int NV, bool kPackedA = false>
RAMIEL_TARGET_AVX2_FMA void micro_kernel(const float* a, int64_t lda, const float* b, int64_t depth, float* c, int64_t ldc,
                                         bool accumulate) {
  __m256 acc[R][NV];
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) acc[r][v] = accumulate ? _mm256_loadu_ps(c + r * ldc + 8 * v) : _mm256_setzero_ps();
  }
  for (int64_t d = 0; d < depth; ++d) {
    __m256 bv[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) bv[v] = _mm256_load_ps(b + d * 8 * NV + 8 * v);
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) {
      const __m256 av = _mm256_broadcast_ss(kPackedA ? a + d * kRows + r : a + r * lda + d);
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) _mm256_storeu_ps(c + r * ldc + 8 * v, acc[r][v]);
  }
}

/// micro_kernel<R, NV, kPackedA> for R = rows (1..6) chosen at run time.
template <int NV, bool kPackedA = false>
void micro_kernel_rows(int64_t rows, const float* a, int64_t lda, const float* b, int64_t depth, float* c, int64_t ldc,
                       bool accumulate) {
  switch (rows) {
    case 1: return micro_kernel<1, NV, kPackedA>(a, lda, b, depth, c, ldc, accumulate);
    case 2: return micro_kernel<2, NV, kPackedA>(a, lda, b, depth, c, ldc, accumulate);
    case 3: return micro_kernel<3, NV, kPackedA>(a, lda, b, depth, c, ldc, accumulate);
    case 4: return micro_kernel<4, NV, kPackedA>(a, lda, b, depth, c, ldc, accumulate);
    case 5: return micro_kernel<5, NV, kPackedA>(a, lda, b, depth, c, ldc, accumulate);
    default: return micro_kernel<6, NV, kPackedA>(a, lda, b, depth, c, ldc, accumulate);
  }
}

/// Packs `rows` (<= kRows) rows of `depth` values of a (row stride lda) as one micro-panel
/// [depth][kRows] for micro_kernel<..., true> (rows beyond `rows` are left as they are).
inline void pack_rows(const float* a, int64_t rows, int64_t lda, int64_t depth, float* panel) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t d = 0; d < depth; ++d) panel[d * kRows + r] = a[r * lda + d];
  }
}

#endif  // x86

}  // namespace ramiel::runtime::gemm
