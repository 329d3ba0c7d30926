// Hardmax: opset 13 axis semantics and the older 2-D coercion.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Hardmax, AxisAndCoercion) {
  ir::Tensor x = f32({2, 3}, {1, 3, 3, 0, -1, -2});
  expect_tensor_near(run1(make_node("Hardmax"), {x}), f32({2, 3}, {0, 1, 0, 1, 0, 0}));
  expect_tensor_near(run1(make_node("Hardmax", {{"axis", attr_int(0)}}), {x}), f32({2, 3}, {1, 1, 1, 0, 0, 0}));
  expect_tensor_near(run1(make_node("Hardmax", {{"axis", attr_int(0)}}), {x}, {{}, 11, false}), f32({2, 3}, {0, 1, 0, 0, 0, 0}));
}

}  // namespace
}  // namespace ramiel::testing
