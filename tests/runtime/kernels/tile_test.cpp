// Tile: repeats per axis, constant and run-time.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Tile, RepeatsEachAxis) {
  ir::Tensor x = f32({2, 2}, {1, 2, 3, 4});
  RunOptions constant;
  constant.constant = {false, true};
  expect_tensor_near(run1(make_node("Tile"), {x, i64({2}, {2, 1})}, constant), f32({4, 2}, {1, 2, 3, 4, 1, 2, 3, 4}));
  expect_tensor_near(run1(make_node("Tile"), {x, i64({2}, {1, 2})}), f32({2, 4}, {1, 2, 1, 2, 3, 4, 3, 4}));
  EXPECT_EQ(run1(make_node("Tile"), {x, i64({2}, {0, 3})}, constant).dims(), (ir::Dims{0, 6}));
  EXPECT_EQ(error_kind([&] { run1(make_node("Tile"), {x, i64({1}, {2})}, constant); }), ErrorKind::kInvalidModel);
}

}  // namespace
}  // namespace ramiel::testing
