#include "runtime/kernels/cpu_features.h"

#include <atomic>
#include <cstdlib>

namespace ramiel::runtime::cpu {
namespace {

// What this CPU runs, probed once.
struct CpuFlags {
  bool avx2 = false, fma = false, avx512f = false;
};

const CpuFlags& cpu_flags() {
  static const CpuFlags flags = [] {
    CpuFlags f;
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    f.avx2 = __builtin_cpu_supports("avx2") != 0;
    f.fma = __builtin_cpu_supports("fma") != 0;
    f.avx512f = __builtin_cpu_supports("avx512f") != 0;
#endif
    return f;
  }();
  return flags;
}

std::atomic<bool>& avx2_enabled() {
  static std::atomic<bool> enabled{std::getenv("RAMIEL_NO_AVX2") == nullptr};
  return enabled;
}

}  // namespace

bool use_avx2() { return kHaveAvx2Code && cpu_flags().avx2 && avx2_enabled().load(std::memory_order_relaxed); }

bool use_avx2_fma() { return use_avx2() && cpu_flags().fma; }

bool use_avx512() { return use_avx2_fma() && cpu_flags().avx512f; }

void set_avx2_enabled(bool enabled) { avx2_enabled().store(enabled, std::memory_order_relaxed); }

}  // namespace ramiel::runtime::cpu
