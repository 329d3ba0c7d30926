// Range: float and integer, negative delta, empty, constant and run-time.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Range, Counts) {
  RunOptions constant;
  constant.constant = {true, true, true};
  expect_tensor_near(run1(make_node("Range"), {f32({}, {1}), f32({}, {2}), f32({}, {0.25f})}, constant), f32({4}, {1, 1.25f, 1.5f, 1.75f}));
  EXPECT_EQ(values(run1(make_node("Range"), {i64({}, {10}), i64({}, {4}), i64({}, {-3})})), (std::vector<double>{10, 7}));
  EXPECT_EQ(values(run1(make_node("Range"), {i32({}, {0}), i32({}, {5}), i32({}, {2})}, constant)), (std::vector<double>{0, 2, 4}));
  EXPECT_EQ(run1(make_node("Range"), {i64({}, {5}), i64({}, {1}), i64({}, {1})}).dims(), (ir::Dims{0}));
  EXPECT_TRUE(infos_of(make_node("Range"), {i64({}, {0}), i64({}, {1}), i64({}, {1})})[0].dynamic);
  EXPECT_EQ(error_kind([] { run1(make_node("Range"), {i64({}, {0}), i64({}, {1}), i64({}, {0})}); }), ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace ramiel::testing
