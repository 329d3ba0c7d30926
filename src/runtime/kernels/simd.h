#pragma once
/// \file
/// The float vector operations of ramiel's own kernels, once per x86 instruction set: namespace
/// simd::avx2 (8 lanes, AVX2+FMA) and simd::avx512 (16 lanes, AVX-512F). Each namespace is
/// compiled for its own target with GCC's target pragma, so one kernel body written against these
/// names (a .inc file included inside each namespace, as Highway's foreach_target does) becomes
/// an AVX2 function and an AVX-512 function, and the binary still runs on baseline x86-64: the
/// caller picks one when a kernel is created (cpu_features.h). A body is included only inside a
/// region opened by RAMIEL_SIMD_AVX2_BEGIN or RAMIEL_SIMD_AVX512_BEGIN, so that its functions
/// get that region's target too.

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// True when this build has the simd namespaces (x86 with GCC's or Clang's target pragmas).
#define RAMIEL_HAVE_SIMD 1

#if defined(__clang__)
#define RAMIEL_SIMD_AVX2_BEGIN _Pragma("clang attribute push(__attribute__((target(\"avx2,fma\"))), apply_to = function)")
#define RAMIEL_SIMD_AVX512_BEGIN _Pragma("clang attribute push(__attribute__((target(\"avx512f,avx2,fma\"))), apply_to = function)")
#define RAMIEL_SIMD_END _Pragma("clang attribute pop")
#else
/// Opens a region whose functions are compiled for AVX2 with FMA.
#define RAMIEL_SIMD_AVX2_BEGIN _Pragma("GCC push_options") _Pragma("GCC target(\"avx2,fma\")")
/// Opens a region whose functions are compiled for AVX-512F (with AVX2 and FMA).
#define RAMIEL_SIMD_AVX512_BEGIN _Pragma("GCC push_options") _Pragma("GCC target(\"avx512f,avx2,fma\")")
/// Closes a region opened by RAMIEL_SIMD_AVX2_BEGIN or RAMIEL_SIMD_AVX512_BEGIN.
#define RAMIEL_SIMD_END _Pragma("GCC pop_options")
#endif

namespace ramiel::runtime::simd {

RAMIEL_SIMD_AVX2_BEGIN
/// Eight floats per register.
namespace avx2 {
using Reg = __m256;
/// Floats per register.
inline constexpr int64_t kLanes = 8;
/// All lanes zero.
inline Reg zero() { return _mm256_setzero_ps(); }
/// All lanes `v`.
inline Reg set1(float v) { return _mm256_set1_ps(v); }
/// All lanes *p.
inline Reg broadcast(const float* p) { return _mm256_broadcast_ss(p); }
/// Loads from p, aligned to the register's size.
inline Reg load(const float* p) { return _mm256_load_ps(p); }
/// Loads from p, any alignment.
inline Reg loadu(const float* p) { return _mm256_loadu_ps(p); }
/// Stores to p, aligned to the register's size.
inline void store(float* p, Reg v) { _mm256_store_ps(p, v); }
/// Stores to p, any alignment.
inline void storeu(float* p, Reg v) { _mm256_storeu_ps(p, v); }
/// a + b.
inline Reg add(Reg a, Reg b) { return _mm256_add_ps(a, b); }
/// a - b.
inline Reg sub(Reg a, Reg b) { return _mm256_sub_ps(a, b); }
/// a * b + c, rounded once.
inline Reg fmadd(Reg a, Reg b, Reg c) { return _mm256_fmadd_ps(a, b, c); }
/// Lane-wise maximum.
inline Reg max(Reg a, Reg b) { return _mm256_max_ps(a, b); }
/// Lane-wise minimum.
inline Reg min(Reg a, Reg b) { return _mm256_min_ps(a, b); }
}  // namespace avx2
RAMIEL_SIMD_END

RAMIEL_SIMD_AVX512_BEGIN
/// Sixteen floats per register.
namespace avx512 {
using Reg = __m512;
/// Floats per register.
inline constexpr int64_t kLanes = 16;
/// All lanes zero.
inline Reg zero() { return _mm512_setzero_ps(); }
/// All lanes `v`.
inline Reg set1(float v) { return _mm512_set1_ps(v); }
/// All lanes *p.
inline Reg broadcast(const float* p) { return _mm512_set1_ps(*p); }
/// Loads from p, aligned to the register's size.
inline Reg load(const float* p) { return _mm512_load_ps(p); }
/// Loads from p, any alignment.
inline Reg loadu(const float* p) { return _mm512_loadu_ps(p); }
/// Stores to p, aligned to the register's size.
inline void store(float* p, Reg v) { _mm512_store_ps(p, v); }
/// Stores to p, any alignment.
inline void storeu(float* p, Reg v) { _mm512_storeu_ps(p, v); }
/// a + b.
inline Reg add(Reg a, Reg b) { return _mm512_add_ps(a, b); }
/// a - b.
inline Reg sub(Reg a, Reg b) { return _mm512_sub_ps(a, b); }
/// a * b + c, rounded once.
inline Reg fmadd(Reg a, Reg b, Reg c) { return _mm512_fmadd_ps(a, b, c); }
// max and min through the zero-masked forms: GCC 12's _mm512_max_ps and _mm512_min_ps pass
// _mm512_undefined_ps(), which trips -Wmaybe-uninitialized in every caller (GCC PR 105593).
/// Lane-wise maximum.
inline Reg max(Reg a, Reg b) { return _mm512_maskz_max_ps(0xFFFF, a, b); }
/// Lane-wise minimum.
inline Reg min(Reg a, Reg b) { return _mm512_maskz_min_ps(0xFFFF, a, b); }
}  // namespace avx512
RAMIEL_SIMD_END

}  // namespace ramiel::runtime::simd

#endif  // x86
