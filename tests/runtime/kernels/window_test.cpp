// HannWindow, HammingWindow, BlackmanWindow: periodic and symmetric, output types.
#include <cmath>
#include <numbers>

#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Window, CosineSums) {
  const double pi = std::numbers::pi;
  ir::Tensor hann = run1(make_node("HannWindow"), {i64({}, {4})});
  expect_tensor_near(hann, f32({4}, {0, 0.5f, 1, 0.5f}), 1e-5, 1e-6);
  expect_tensor_near(run1(make_node("HannWindow", {{"periodic", attr_int(0)}}), {i32({}, {3})}), f32({3}, {0, 1, 0}), 1e-5, 1e-6);
  ir::Tensor ham = run1(make_node("HammingWindow", {{"output_datatype", attr_int(11)}}), {i64({}, {2})});
  EXPECT_EQ(ham.dtype(), ir::DataType::kFloat64);
  expect_tensor_near(ham, f64({2}, {4.0 / 46, 1.0}), 1e-9, 1e-12);
  expect_tensor_near(run1(make_node("BlackmanWindow"), {i64({}, {3})}),
                     f32({3}, {0, static_cast<float>(0.42 - 0.5 * std::cos(2 * pi / 3) + 0.08 * std::cos(4 * pi / 3)),
                               static_cast<float>(0.42 - 0.5 * std::cos(4 * pi / 3) + 0.08 * std::cos(8 * pi / 3))}),
                     1e-5, 1e-6);
}

}  // namespace
}  // namespace ramiel::testing
