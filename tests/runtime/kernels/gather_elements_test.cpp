// GatherElements: axes, negative indices, smaller index tensors, errors.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(GatherElements, AlongEachAxis) {
  ir::Tensor x = f32({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  expect_tensor_near(run1(make_node("GatherElements", {{"axis", attr_int(1)}}), {x, i64({3, 2}, {0, 2, 1, -1, 0, 0})}), f32({3, 2}, {1, 3, 5, 6, 7, 7}));
  expect_tensor_near(run1(make_node("GatherElements"), {x, i32({2, 3}, {1, 2, 0, 2, 0, 0})}), f32({2, 3}, {4, 8, 3, 7, 2, 3}));
  EXPECT_EQ(error_kind([&] { run1(make_node("GatherElements"), {x, i64({1, 1}, {3})}); }), ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace ramiel::testing
