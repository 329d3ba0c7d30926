// TopK: largest/smallest, axes, ties broken by the lower index, run-time K.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(TopK, LargestSmallestAndTies) {
  ir::Tensor x = f32({2, 4}, {1, 4, 4, 2, 9, 8, 7, 6});
  RunOptions constant;
  constant.constant = {false, true};
  auto out = run_node(make_node("TopK", {}, 2), {x, i64({1}, {2})}, constant);
  expect_tensor_near(out[0], f32({2, 2}, {4, 4, 9, 8}));
  EXPECT_EQ(values(out[1]), (std::vector<double>{1, 2, 0, 1}));
  auto small = run_node(make_node("TopK", {{"largest", attr_int(0)}, {"axis", attr_int(0)}}, 2), {x, i64({1}, {1})});
  expect_tensor_near(small[0], f32({1, 4}, {1, 4, 4, 2}));
  EXPECT_EQ(values(small[1]), (std::vector<double>{0, 0, 0, 0}));
  auto zero = run_node(make_node("TopK", {}, 2), {x, i64({1}, {0})}, constant);
  EXPECT_EQ(zero[0].dims(), (ir::Dims{2, 0}));
  EXPECT_EQ(error_kind([&] { run_node(make_node("TopK", {}, 2), {x, i64({1}, {5})}); }), ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace ramiel::testing
