#include "runtime/kernels/cpu_features.h"

#include <atomic>
#include <cstdlib>

namespace ramiel::runtime::cpu {
namespace {

bool cpu_runs_avx2() {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return has;
#else
  return false;
#endif
}

bool cpu_runs_fma() {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("fma") != 0;
  }();
  return has;
#else
  return false;
#endif
}

std::atomic<bool>& avx2_enabled() {
  static std::atomic<bool> enabled{std::getenv("RAMIEL_NO_AVX2") == nullptr};
  return enabled;
}

}  // namespace

bool use_avx2() { return kHaveAvx2Code && cpu_runs_avx2() && avx2_enabled().load(std::memory_order_relaxed); }

bool use_avx2_fma() { return use_avx2() && cpu_runs_fma(); }

void set_avx2_enabled(bool enabled) { avx2_enabled().store(enabled, std::memory_order_relaxed); }

}  // namespace ramiel::runtime::cpu
