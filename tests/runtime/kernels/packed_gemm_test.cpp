// ramiel's packed GEMM against a product in double: row counts around the 6-row micro-kernel and
// the 252-row block, depths across the 256 K-block, column counts with partial 16-column panels,
// strided C, bias, Relu, Clip and the exact GELU; rows and column ranges computed apart, and
// OpenMP threads, give the bits of the whole product on one thread (what slices rely on).
#include "runtime/kernels/dnnl_common.h"
#include "runtime/kernels/packed_gemm.h"

#include <cmath>

#include "runtime/kernels/cpu_features.h"
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

using runtime::FusedActivation;
using runtime::gemm::Epilogue;
using runtime::gemm::PackedMatrix;

class PackedGemm : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!runtime::cpu::use_avx2_fma()) GTEST_SKIP() << "no AVX2+FMA: the packed GEMM is never used here";
  }
};

std::vector<float> random_values(int64_t count, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-1, 1);
  std::vector<float> v(static_cast<size_t>(count));
  for (auto& x : v) x = d(rng);
  return v;
}

double activate(double v, FusedActivation activation) {
  switch (activation) {
    case FusedActivation::kNone: return v;
    case FusedActivation::kRelu: return std::max(v, 0.0);
    case FusedActivation::kClip: return std::clamp(v, -0.25, 0.25);
    case FusedActivation::kGeluErf: return v * (1 + std::erf(v / std::sqrt(2.0))) / 2;
  }
  return v;
}

void check(int64_t m, int64_t k, int64_t n, int64_t ldc, bool bias, FusedActivation activation, uint32_t seed) {
  std::mt19937 rng(seed);
  const std::vector<float> a = random_values(m * k, rng), b = random_values(k * n, rng), bv = random_values(n, rng);
  const PackedMatrix packed(b.data(), k, n, n);
  std::vector<float> c(static_cast<size_t>(m * ldc), 7.0f);
  const Epilogue e{bias ? bv.data() : nullptr, activation, -0.25f, 0.25f};
  runtime::gemm::packed_gemm(a.data(), m, k, packed, c.data(), ldc, e);
  int bad = 0;
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < ldc; ++j) {
      const float got = c[static_cast<size_t>(i * ldc + j)];
      if (j >= n) {  // beyond the product: untouched
        bad += got != 7.0f;
        continue;
      }
      double acc = bias ? bv[static_cast<size_t>(j)] : 0.0;
      for (int64_t d = 0; d < k; ++d) acc += static_cast<double>(a[static_cast<size_t>(i * k + d)]) * b[static_cast<size_t>(d * n + j)];
      const double want = activate(acc, activation);
      bad += std::abs(got - want) > 1e-4 + 1e-4 * std::abs(want);
    }
  }
  EXPECT_EQ(bad, 0) << m << "x" << k << "x" << n << " ldc " << ldc << " bias " << bias << " activation " << static_cast<int>(activation);
}

TEST_F(PackedGemm, MatchesProductInDouble) {
  uint32_t seed = 1;
  for (int64_t m : {1, 5, 6, 7, 13, 260}) {
    for (int64_t k : {1, 17, 256, 300}) {
      for (int64_t n : {1, 8, 16, 17, 40}) check(m, k, n, n, false, FusedActivation::kNone, seed++);
    }
  }
}

TEST_F(PackedGemm, StridedOutputBiasAndActivations) {
  uint32_t seed = 100;
  for (FusedActivation act : {FusedActivation::kNone, FusedActivation::kRelu, FusedActivation::kClip, FusedActivation::kGeluErf}) {
    check(14, 600, 37, 50, true, act, seed++);
    check(6, 64, 32, 32, true, act, seed++);
  }
}

TEST_F(PackedGemm, GeluOverItsWholeRange) {
  // One input row whose product with an identity-like B is the values themselves: GELU at -12..12.
  const int64_t n = 16 * 30;
  std::vector<float> a(static_cast<size_t>(6 * n)), b(static_cast<size_t>(n * n), 0.0f);
  for (int64_t j = 0; j < n; ++j) b[static_cast<size_t>(j * n + j)] = 1.0f;
  for (int64_t i = 0; i < 6 * n; ++i) a[static_cast<size_t>(i)] = -12.0f + 24.0f * static_cast<float>(i % n) / static_cast<float>(n);
  const PackedMatrix packed(b.data(), n, n, n);
  std::vector<float> c(static_cast<size_t>(6 * n));
  runtime::gemm::packed_gemm(a.data(), 6, n, packed, c.data(), n, {nullptr, FusedActivation::kGeluErf, 0, 0});
  for (int64_t j = 0; j < n; ++j) {
    const double x = a[static_cast<size_t>(j)], want = x * (1 + std::erf(x / std::sqrt(2.0))) / 2;
    EXPECT_NEAR(c[static_cast<size_t>(j)], want, 2e-6 + 2e-6 * std::abs(want)) << "x = " << x;
  }
}

TEST_F(PackedGemm, RowsAndColumnsApartGiveTheWholeBits) {
  std::mt19937 rng(3);
  const int64_t m = 40, k = 700, n = 72;
  const std::vector<float> a = random_values(m * k, rng), b = random_values(k * n, rng), bv = random_values(n, rng);
  const Epilogue e{bv.data(), FusedActivation::kGeluErf, 0, 0};
  std::vector<float> whole(static_cast<size_t>(m * n)), parts(static_cast<size_t>(m * n));
  runtime::gemm::packed_gemm(a.data(), m, k, PackedMatrix(b.data(), k, n, n), whole.data(), n, e);
  // Rows [0, 11) and [11, 40); within them, columns [0, 24) and [24, 72) packed on their own.
  for (auto [r0, r1] : {std::pair<int64_t, int64_t>{0, 11}, {11, 40}}) {
    for (auto [j0, j1] : {std::pair<int64_t, int64_t>{0, 24}, {24, 72}}) {
      const PackedMatrix cols(b.data() + j0, k, j1 - j0, n);
      const Epilogue ce{bv.data() + j0, FusedActivation::kGeluErf, 0, 0};
      runtime::gemm::packed_gemm(a.data() + r0 * k, r1 - r0, k, cols, parts.data() + r0 * n + j0, n, ce);
    }
  }
  EXPECT_EQ(std::memcmp(whole.data(), parts.data(), whole.size() * sizeof(float)), 0);
}

TEST_F(PackedGemm, OpenMpThreadsGiveTheBitsOfOneThread) {
  std::mt19937 rng(8);
  const int64_t m = 19, k = 300, n = 200;
  const std::vector<float> a = random_values(m * k, rng), b = random_values(k * n, rng);
  const PackedMatrix packed(b.data(), k, n, n);
  std::vector<float> one(static_cast<size_t>(m * n)), many(static_cast<size_t>(m * n));
  runtime::gemm::packed_gemm(a.data(), m, k, packed, one.data(), n, {}, 1);
  for (int threads : {2, 3}) {
    runtime::gemm::packed_gemm(a.data(), m, k, packed, many.data(), n, {}, threads);
    EXPECT_EQ(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)), 0) << threads << " threads";
  }
}

TEST_F(PackedGemm, TurnedOffByItsSwitch) {
  runtime::gemm::set_packed_gemm_enabled(false);
  EXPECT_FALSE(runtime::gemm::packed_gemm_available());
  runtime::gemm::set_packed_gemm_enabled(true);
  // Switched on, MatMul uses it unless oneDNN runs AVX-512 here (its GEMM is then twice as wide).
  EXPECT_EQ(runtime::gemm::packed_gemm_available(), !runtime::dnnl_util::onednn_uses_avx512());
}

}  // namespace
}  // namespace ramiel::testing
