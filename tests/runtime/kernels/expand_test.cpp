// Expand: two-way broadcast with the shape input, constant and run-time.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Expand, BroadcastsBothWays) {
  const RunOptions constant = {{false, true}, 13, false};
  expect_tensor_near(run1(make_node("Expand"), {f32({3, 1}, {1, 2, 3}), i64({3}, {2, 1, 4})}, constant),
                     f32({2, 3, 4}, {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}));
  expect_tensor_near(run1(make_node("Expand"), {f32({3, 1}, {1, 2, 3}), i64({1}, {1})}, constant), f32({3, 1}, {1, 2, 3}));
  expect_tensor_near(run1(make_node("Expand"), {f32({1}, {7}), i64({2}, {2, 2})}), f32({2, 2}, {7, 7, 7, 7}));
  EXPECT_EQ(error_kind([&] { run1(make_node("Expand"), {f32({3}, {1, 2, 3}), i64({1}, {2})}, constant); }), ErrorKind::kInvalidModel);
}

}  // namespace
}  // namespace ramiel::testing
