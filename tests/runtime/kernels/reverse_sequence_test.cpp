// ReverseSequence along time/batch axes in both orders.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(ReverseSequence, BothAxisOrders) {
  ir::Tensor x = f32({3, 2}, {0, 1, 2, 3, 4, 5});  // [time, batch]
  expect_tensor_near(run1(make_node("ReverseSequence"), {x, i64({2}, {3, 2})}), f32({3, 2}, {4, 3, 2, 1, 0, 5}));
  ir::Tensor y = f32({2, 3}, {0, 1, 2, 3, 4, 5});  // [batch, time]
  expect_tensor_near(run1(make_node("ReverseSequence", {{"batch_axis", attr_int(0)}, {"time_axis", attr_int(1)}}), {y, i64({2}, {1, 3})}),
                     f32({2, 3}, {0, 1, 2, 5, 4, 3}));
  EXPECT_EQ(error_kind([&] { run1(make_node("ReverseSequence"), {x, i64({2}, {4, 1})}); }), ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace ramiel::testing
