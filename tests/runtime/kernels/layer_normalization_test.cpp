// LayerNormalization against a naive reference, with broadcast scale, no bias and stat outputs.
#include <cmath>

#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(LayerNormalization, MatchesReference) {
  std::mt19937 rng(4);
  for (int64_t axis : {-1, 1, 2}) {
    ir::Tensor x = random_f32({2, 3, 4}, rng);
    const int64_t a = axis < 0 ? axis + 3 : axis;
    ir::Dims norm(x.dims().begin() + a, x.dims().end());
    ir::Tensor scale = random_f32(norm, rng), bias = random_f32(norm, rng);
    const int64_t n = ir::element_count(norm), rows = x.size() / n;
    ir::Tensor y(ir::DataType::kFloat32, x.dims());
    std::vector<float> mean(static_cast<size_t>(rows)), inv(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) {
      double s = 0, sq = 0;
      for (int64_t j = 0; j < n; ++j) s += x.data<float>()[r * n + j];
      const double m = s / static_cast<double>(n);
      for (int64_t j = 0; j < n; ++j) sq += (x.data<float>()[r * n + j] - m) * (x.data<float>()[r * n + j] - m);
      const double iv = 1 / std::sqrt(sq / static_cast<double>(n) + 1e-5);
      for (int64_t j = 0; j < n; ++j) {
        y.data<float>()[r * n + j] = static_cast<float>((x.data<float>()[r * n + j] - m) * iv * scale.data<float>()[j] + bias.data<float>()[j]);
      }
      mean[static_cast<size_t>(r)] = static_cast<float>(m);
      inv[static_cast<size_t>(r)] = static_cast<float>(iv);
    }
    auto out = run_node(make_node("LayerNormalization", {{"axis", attr_int(axis)}}, 3), {x, scale, bias}, {{}, 17, false});
    expect_tensor_near(out[0], y, 1e-5, 1e-5);
    ir::Dims stat = x.dims();
    for (size_t k = static_cast<size_t>(a); k < stat.size(); ++k) stat[k] = 1;
    expect_tensor_near(out[1], f32(stat, mean), 1e-5, 1e-6);
    expect_tensor_near(out[2], f32(stat, inv), 1e-5, 1e-6);
  }
}

TEST(LayerNormalization, BroadcastScaleAndNoBias) {
  ir::Tensor x = f32({1, 4}, {1, 2, 3, 4});
  ir::Tensor y = run_node(make_node("LayerNormalization"), {x, f32({1}, {2})}, {{}, 17, false})[0];
  const float s = 1 / std::sqrt(1.25f + 1e-5f);
  expect_tensor_near(y, f32({1, 4}, {-3 * s, -s, s, 3 * s}), 1e-5, 1e-6);
  EXPECT_EQ(error_kind([&] { run_node(make_node("LayerNormalization"), {x, f32({3}, {1, 1, 1})}, {{}, 17, false}); }), ErrorKind::kInvalidModel);
}

}  // namespace
}  // namespace ramiel::testing
