// Trilu: upper/lower, positive and negative k, batches, run-time k.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Trilu, UpperLowerAndK) {
  ir::Tensor x = f32({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  expect_tensor_near(run1(make_node("Trilu"), {x}), f32({3, 3}, {1, 2, 3, 0, 5, 6, 0, 0, 9}));
  expect_tensor_near(run1(make_node("Trilu", {{"upper", attr_int(0)}}), {x}), f32({3, 3}, {1, 0, 0, 4, 5, 0, 7, 8, 9}));
  expect_tensor_near(run1(make_node("Trilu"), {x, i64({}, {1})}), f32({3, 3}, {0, 2, 3, 0, 0, 6, 0, 0, 0}));
  RunOptions constant;
  constant.constant = {false, true};
  expect_tensor_near(run1(make_node("Trilu", {{"upper", attr_int(0)}}), {x, i64({}, {-1})}, constant), f32({3, 3}, {0, 0, 0, 4, 0, 0, 7, 8, 0}));
  expect_tensor_near(run1(make_node("Trilu"), {f32({2, 1, 2}, {1, 2, 3, 4}), i64({}, {-5})}), f32({2, 1, 2}, {1, 2, 3, 4}));
}

}  // namespace
}  // namespace ramiel::testing
