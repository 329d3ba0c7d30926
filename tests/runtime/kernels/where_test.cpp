// Where with three-way broadcasting.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Where, BroadcastsAllThreeInputs) {
  ir::Tensor c = boolean({2, 1}, {1, 0}), x = f32({3}, {1, 2, 3}), y = f32({}, {-1});
  expect_tensor_near(run1(make_node("Where"), {c, x, y}), f32({2, 3}, {1, 2, 3, -1, -1, -1}));
  EXPECT_EQ(values(run1(make_node("Where"), {boolean({3}, {1, 0, 1}), i64({3}, {1, 2, 3}), i64({3}, {7, 8, 9})})), (std::vector<double>{1, 8, 3}));
  EXPECT_EQ(error_kind([] { run1(make_node("Where"), {f32({1}, {1}), f32({1}, {1}), f32({1}, {1})}); }), ErrorKind::kInvalidModel);
}

}  // namespace
}  // namespace ramiel::testing
