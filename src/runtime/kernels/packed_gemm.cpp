// Packed-B GEMM on the 6x16 AVX2+FMA micro-kernel. Loop order (BLIS): K blocks of kDepthBlock
// (a panel's slice, 16 KiB, stays in L1 across a row block), row blocks of kRowBlock rows (A's
// block, at most 256 KiB, stays in L2 across all panels), panels, then 6-row groups. The epilogue
// runs on each 6x16 tile right after its last K block, while it is in L1.
#include "runtime/kernels/packed_gemm.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <omp.h>

#include "runtime/kernels/cpu_features.h"
#include "runtime/kernels/dnnl_common.h"
#include "runtime/kernels/gemm_micro_kernel.h"

namespace ramiel::runtime::gemm {
namespace {

constexpr int64_t kDepthBlock = 256;
constexpr int64_t kRowBlock = 252;  // multiple of kRows

std::atomic<bool>& enabled_flag() {
  static std::atomic<bool> enabled{std::getenv("RAMIEL_NO_PACKED_GEMM") == nullptr};
  return enabled;
}

#if defined(__x86_64__) || defined(__i386__)

// exp(x) for x <= 0 (Cephes' expf: range reduction by ln 2, degree-6 polynomial), 1 ulp-level.
RAMIEL_TARGET_AVX2_FMA inline __m256 exp_nonpositive(__m256 x) {
  x = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));
  const __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
  __m256 y = _mm256_set1_ps(1.9875691500e-4f);
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
  y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
  const __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(y, _mm256_castsi256_ps(exponent));
}

// x * (1 + erf(x / sqrt 2)) / 2, erf by Abramowitz & Stegun 7.1.26 (absolute error <= 1.5e-7).
RAMIEL_TARGET_AVX2_FMA inline __m256 gelu_erf(__m256 x) {
  const __m256 sign_mask = _mm256_set1_ps(-0.0f);
  const __m256 z = _mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752f));
  const __m256 az = _mm256_andnot_ps(sign_mask, z);
  const __m256 t = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_fmadd_ps(az, _mm256_set1_ps(0.3275911f), _mm256_set1_ps(1.0f)));
  __m256 p = _mm256_set1_ps(1.061405429f);
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.453152027f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.421413741f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.284496736f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.254829592f));
  p = _mm256_mul_ps(p, t);
  const __m256 erf_abs = _mm256_fnmadd_ps(p, exp_nonpositive(_mm256_mul_ps(_mm256_sub_ps(_mm256_setzero_ps(), az), az)), _mm256_set1_ps(1.0f));
  const __m256 erf = _mm256_or_ps(erf_abs, _mm256_and_ps(z, sign_mask));
  return _mm256_mul_ps(_mm256_mul_ps(x, _mm256_set1_ps(0.5f)), _mm256_add_ps(erf, _mm256_set1_ps(1.0f)));
}

RAMIEL_TARGET_AVX2_FMA inline __m256 finish(__m256 v, const float* bias, const Epilogue& e) {
  if (bias != nullptr) v = _mm256_add_ps(v, _mm256_loadu_ps(bias));
  switch (e.activation) {
    case FusedActivation::kNone: return v;
    case FusedActivation::kRelu: return _mm256_max_ps(v, _mm256_setzero_ps());
    case FusedActivation::kClip: return _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(e.clip_min)), _mm256_set1_ps(e.clip_max));
    case FusedActivation::kGeluErf: return gelu_erf(v);
  }
  return v;
}

// Applies the epilogue to a rows x 16 tile of row stride ldc; `bias`: the tile's 16 bias values.
RAMIEL_TARGET_AVX2_FMA void finish_tile(float* c, int64_t rows, int64_t ldc, const float* bias, const Epilogue& e) {
  if (bias == nullptr && e.activation == FusedActivation::kNone) return;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t v = 0; v < kPanel; v += 8) {
      _mm256_storeu_ps(c + r * ldc + v, finish(_mm256_loadu_ps(c + r * ldc + v), bias != nullptr ? bias + v : nullptr, e));
    }
  }
}

// Columns of panels [p_begin, p_end).
RAMIEL_TARGET_AVX2_FMA void gemm_avx2(const float* a, int64_t m, int64_t lda, const PackedMatrix& b, int64_t p_begin, int64_t p_end,
                                      float* c, int64_t ldc, const Epilogue& e) {
  const int64_t k = b.rows(), n = b.cols();
  alignas(64) float tile[kRows * kPanel];  // a partial panel's tile (the last columns)
  alignas(64) float tail_bias[kPanel];
  thread_local std::vector<float> packed_a;  // A's row block as micro-panels [rows / 6][depth][6]
  packed_a.resize(static_cast<size_t>(kRowBlock * kDepthBlock));
  for (int64_t pc = 0; pc < k; pc += kDepthBlock) {
    const int64_t depth = std::min(kDepthBlock, k - pc);
    const bool first = pc == 0, last = pc + depth == k;
    for (int64_t ic = 0; ic < m; ic += kRowBlock) {
      const int64_t mb = std::min(kRowBlock, m - ic);
      for (int64_t ir = 0; ir < mb; ir += kRows) {
        pack_rows(a + (ic + ir) * lda + pc, std::min(kRows, mb - ir), lda, depth, packed_a.data() + ir * depth);
      }
      for (int64_t p = p_begin; p < p_end; ++p) {
        const float* panel = b.panel(p) + pc * kPanel;
        const int64_t n0 = p * kPanel, width = std::min(kPanel, n - n0);
        for (int64_t ir = 0; ir < mb; ir += kRows) {
          const int64_t rows = std::min(kRows, mb - ir);
          const float* at = packed_a.data() + ir * depth;
          float* ct = c + (ic + ir) * ldc + n0;
          if (width == kPanel) {
            micro_kernel_rows<2, true>(rows, at, 0, panel, depth, ct, ldc, !first);
            if (last) finish_tile(ct, rows, ldc, e.bias != nullptr ? e.bias + n0 : nullptr, e);
            continue;
          }
          // Partial panel: compute the whole 16 columns in `tile`, keep the first `width`.
          for (int64_t r = 0; r < rows && !first; ++r) std::memcpy(tile + r * kPanel, ct + r * ldc, static_cast<size_t>(width) * sizeof(float));
          micro_kernel_rows<2, true>(rows, at, 0, panel, depth, tile, kPanel, !first);
          if (last) {
            if (e.bias != nullptr) {
              std::fill_n(tail_bias, kPanel, 0.0f);
              std::memcpy(tail_bias, e.bias + n0, static_cast<size_t>(width) * sizeof(float));
            }
            finish_tile(tile, rows, kPanel, e.bias != nullptr ? tail_bias : nullptr, e);
          }
          for (int64_t r = 0; r < rows; ++r) std::memcpy(ct + r * ldc, tile + r * kPanel, static_cast<size_t>(width) * sizeof(float));
        }
      }
    }
  }
}

#endif  // x86

}  // namespace

PackedMatrix::PackedMatrix(const float* b, int64_t rows, int64_t cols, int64_t ldb) : rows_(rows), cols_(cols) {
  const int64_t panels = (cols + kPanel - 1) / kPanel;
  data_ = dnnl_util::AlignedBuffer(static_cast<size_t>(panels * rows * kPanel) * sizeof(float));  // zeroed
  float* out = static_cast<float*>(data_.data());
  for (int64_t p = 0; p < panels; ++p) {
    const int64_t n0 = p * kPanel, width = std::min(kPanel, cols - n0);
    for (int64_t r = 0; r < rows; ++r) std::memcpy(out + (p * rows + r) * kPanel, b + r * ldb + n0, static_cast<size_t>(width) * sizeof(float));
  }
}

void packed_gemm(const float* a, int64_t m, int64_t lda, const PackedMatrix& b, float* c, int64_t ldc, const Epilogue& epilogue,
                 int threads) {
#if defined(__x86_64__) || defined(__i386__)
  const int64_t panels = (b.cols() + kPanel - 1) / kPanel;
  if (threads <= 1 || panels < 2) {
    gemm_avx2(a, m, lda, b, 0, panels, c, ldc, epilogue);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    auto [p0, p1] = slice_range(panels, omp_get_thread_num(), omp_get_num_threads());
    gemm_avx2(a, m, lda, b, p0, p1, c, ldc, epilogue);
  }
#else
  (void)a, (void)m, (void)lda, (void)b, (void)c, (void)ldc, (void)epilogue, (void)threads;
#endif
}

bool packed_gemm_available() {
  // On AVX-512 CPUs oneDNN's GEMM runs twice as wide (matmul_bench: 195-214 against 95-104 GFLOP/s).
  return enabled_flag().load(std::memory_order_relaxed) && cpu::use_avx2_fma() && !dnnl_util::onednn_uses_avx512();
}

void set_packed_gemm_enabled(bool enabled) { enabled_flag().store(enabled, std::memory_order_relaxed); }

}  // namespace ramiel::runtime::gemm
