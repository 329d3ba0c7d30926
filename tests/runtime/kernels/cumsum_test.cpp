// CumSum: axes, exclusive, reverse, run-time axis, integers.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(CumSum, Variants) {
  ir::Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_tensor_near(run1(make_node("CumSum"), {x, i64({}, {1})}), f32({2, 3}, {1, 3, 6, 4, 9, 15}));
  expect_tensor_near(run1(make_node("CumSum"), {x, i32({}, {0})}), f32({2, 3}, {1, 2, 3, 5, 7, 9}));
  expect_tensor_near(run1(make_node("CumSum", {{"exclusive", attr_int(1)}}), {x, i64({}, {-1})}), f32({2, 3}, {0, 1, 3, 0, 4, 9}));
  expect_tensor_near(run1(make_node("CumSum", {{"reverse", attr_int(1)}}), {x, i64({}, {1})}), f32({2, 3}, {6, 5, 3, 15, 11, 6}));
  expect_tensor_near(run1(make_node("CumSum", {{"reverse", attr_int(1)}, {"exclusive", attr_int(1)}}), {x, i64({}, {1})}), f32({2, 3}, {5, 3, 0, 11, 6, 0}));
  EXPECT_EQ(values(run1(make_node("CumSum"), {i64({3}, {1, 2, 3}), i64({}, {0})})), (std::vector<double>{1, 3, 6}));
  EXPECT_EQ(error_kind([&] { run1(make_node("CumSum"), {x, i64({}, {2})}); }), ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace ramiel::testing
