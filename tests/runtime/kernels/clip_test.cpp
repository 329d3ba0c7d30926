// Clip: attribute bounds (opset 6), input bounds (constant, run-time, omitted), integers.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Clip, AttributesBeforeOpset11) {
  RunOptions o;
  o.opset = 6;
  expect_tensor_near(run1(make_node("Clip", {{"min", attr_float(-1)}, {"max", attr_float(1)}}), {f32({3}, {-5, 0.5f, 5})}, o), f32({3}, {-1, 0.5f, 1}));
  expect_tensor_near(run1(make_node("Clip", {{"max", attr_float(0)}}), {f32({2}, {-5, 5})}, o), f32({2}, {-5, 0}));
}

TEST(Clip, InputBounds) {
  ir::Tensor x = f32({4}, {-5, 0.5f, 5, NAN});
  RunOptions constant;
  constant.constant = {false, true, true};
  expect_tensor_near(run1(make_node("Clip"), {x, f32({}, {-1}), f32({}, {1})}, constant), f32({4}, {-1, 0.5f, 1, NAN}));
  expect_tensor_near(run1(make_node("Clip"), {x, f32({}, {-1}), f32({}, {1})}), f32({4}, {-1, 0.5f, 1, NAN}));
  expect_tensor_near(run1(make_node("Clip"), {x, absent(), f32({}, {0})}), f32({4}, {-5, 0, 0, NAN}));
  expect_tensor_near(run1(make_node("Clip"), {x}), x);
  EXPECT_EQ(values(run1(make_node("Clip"), {i64({3}, {-5, 2, 9}), i64({}, {0}), i64({}, {6})})), (std::vector<double>{0, 2, 6}));
}

}  // namespace
}  // namespace ramiel::testing
