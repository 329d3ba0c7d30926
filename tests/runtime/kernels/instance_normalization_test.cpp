// InstanceNormalization and MeanVarianceNormalization.
#include <cmath>

#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(InstanceNormalization, PerChannel) {
  ir::Tensor x = f32({1, 2, 2}, {1, 3, 10, 10});
  const float s = 1 / std::sqrt(1 + 1e-5f);
  expect_tensor_near(run1(make_node("InstanceNormalization"), {x, f32({2}, {2, 1}), f32({2}, {0, 7})}), f32({1, 2, 2}, {-2 * s, 2 * s, 7, 7}), 1e-5, 1e-5);
}

TEST(MeanVarianceNormalization, DefaultAxes) {
  ir::Tensor x = f32({2, 1, 1, 2}, {1, 3, 5, 7});  // per channel over N, H, W: mean 4, std sqrt(5)
  const float s = std::sqrt(5.0f);
  expect_tensor_near(run1(make_node("MeanVarianceNormalization"), {x}), f32({2, 1, 1, 2}, {-3 / s, -1 / s, 1 / s, 3 / s}), 1e-5, 1e-6);
  expect_tensor_near(run1(make_node("MeanVarianceNormalization", {{"axes", attr_ints({3})}}), {x}), f32({2, 1, 1, 2}, {-1, 1, -1, 1}), 1e-5, 1e-6);
}

}  // namespace
}  // namespace ramiel::testing
