// Run-time choice of instruction set for ramiel's own loops. The binary is built for baseline
// x86-64 (SSE2) so that it runs anywhere; a hot loop that gains from wider vectors is also compiled
// for AVX2 with RAMIEL_TARGET_AVX2 and picked when a kernel is created, as XNNPACK and MLAS pick
// their micro-kernels. oneDNN dispatches its own jit code separately.
#pragma once

namespace ramiel::runtime::cpu {

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
/// Compiles one function for AVX2 (no FMA: its results stay bit-identical to the baseline build).
#define RAMIEL_TARGET_AVX2 __attribute__((target("avx2")))
/// Compiles one function for AVX2 with FMA, for kernels whose results need not match a baseline
/// loop bit for bit (ramiel's own convolutions, checked against the oneDNN path within tolerance).
#define RAMIEL_TARGET_AVX2_FMA __attribute__((target("avx2,fma")))
/// True when RAMIEL_TARGET_AVX2 functions exist in this build.
inline constexpr bool kHaveAvx2Code = true;
#else
#define RAMIEL_TARGET_AVX2
#define RAMIEL_TARGET_AVX2_FMA
inline constexpr bool kHaveAvx2Code = false;
#endif

/// True when this CPU runs AVX2 and AVX2 code has not been turned off (set_avx2_enabled, or the
/// environment variable RAMIEL_NO_AVX2 set to anything). Read by kernels when they are created.
bool use_avx2();

/// True when use_avx2() and this CPU also runs FMA (RAMIEL_TARGET_AVX2_FMA functions may run).
bool use_avx2_fma();

/// True when use_avx2_fma() and this CPU also runs AVX-512F (simd::avx512 code may run; turned off
/// with the AVX2 loops).
bool use_avx512();

/// Turns the AVX2 loops on or off for kernels created from now on (tests compare both paths);
/// turning them on has no effect on a CPU without AVX2.
void set_avx2_enabled(bool enabled);

}  // namespace ramiel::runtime::cpu
