// LayerNormalization against a naive reference, with broadcast scale, no bias and stat outputs.
#include <cmath>

#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

struct Normalized {
  ir::Tensor y;
  std::vector<float> mean, inv;
};

// Naive double-precision LayerNormalization over dims [a, rank) with dense scale and bias (or none).
Normalized reference(const ir::Tensor& x, int64_t a, const ir::Tensor& scale, const ir::Tensor* bias) {
  const int64_t n = ir::element_count(ir::Dims(x.dims().begin() + a, x.dims().end())), rows = x.size() / n;
  Normalized out{ir::Tensor(ir::DataType::kFloat32, x.dims()), std::vector<float>(static_cast<size_t>(rows)), std::vector<float>(static_cast<size_t>(rows))};
  for (int64_t r = 0; r < rows; ++r) {
    double s = 0, sq = 0;
    for (int64_t j = 0; j < n; ++j) s += x.data<float>()[r * n + j];
    const double m = s / static_cast<double>(n);
    for (int64_t j = 0; j < n; ++j) sq += (x.data<float>()[r * n + j] - m) * (x.data<float>()[r * n + j] - m);
    const double iv = 1 / std::sqrt(sq / static_cast<double>(n) + 1e-5);
    for (int64_t j = 0; j < n; ++j) {
      const double b = bias ? bias->data<float>()[j] : 0.0;
      out.y.data<float>()[r * n + j] = static_cast<float>((x.data<float>()[r * n + j] - m) * iv * scale.data<float>()[j] + b);
    }
    out.mean[static_cast<size_t>(r)] = static_cast<float>(m);
    out.inv[static_cast<size_t>(r)] = static_cast<float>(iv);
  }
  return out;
}

// With the Mean and InvStdDev outputs (the generic kernel).
TEST(LayerNormalization, MatchesReference) {
  std::mt19937 rng(4);
  for (int64_t axis : {-1, 1, 2}) {
    ir::Tensor x = random_f32({2, 3, 4}, rng);
    const int64_t a = axis < 0 ? axis + 3 : axis;
    ir::Dims norm(x.dims().begin() + a, x.dims().end());
    ir::Tensor scale = random_f32(norm, rng), bias = random_f32(norm, rng);
    const Normalized want = reference(x, a, scale, &bias);
    auto out = run_node(make_node("LayerNormalization", {{"axis", attr_int(axis)}}, 3), {x, scale, bias}, {{}, 17, false});
    expect_tensor_near(out[0], want.y, 1e-5, 1e-5);
    ir::Dims stat = x.dims();
    for (size_t k = static_cast<size_t>(a); k < stat.size(); ++k) stat[k] = 1;
    expect_tensor_near(out[1], f32(stat, want.mean), 1e-5, 1e-6);
    expect_tensor_near(out[2], f32(stat, want.inv), 1e-5, 1e-6);
  }
}

// Y only, with dense Scale and B (the oneDNN kernel), over one or several trailing dims.
TEST(LayerNormalization, WithoutStatisticsMatchesReference) {
  std::mt19937 rng(5);
  for (int64_t axis : {-1, 1}) {
    for (bool with_bias : {true, false}) {
      ir::Tensor x = random_f32({3, 5, 40}, rng);
      const int64_t a = axis < 0 ? axis + 3 : axis;
      ir::Dims norm(x.dims().begin() + a, x.dims().end());
      ir::Tensor scale = random_f32(norm, rng), bias = random_f32(norm, rng);
      std::vector<ir::Tensor> inputs{x, scale};
      if (with_bias) inputs.push_back(bias);
      auto out = run_node(make_node("LayerNormalization", {{"axis", attr_int(axis)}}, 1), inputs, {{}, 17, false});
      expect_tensor_near(out.at(0), reference(x, a, scale, with_bias ? &bias : nullptr).y, 1e-5, 1e-5);
    }
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
