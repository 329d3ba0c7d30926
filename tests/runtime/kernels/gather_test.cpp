// Gather: axes, negative indices, scalar indices, int32 indices, out-of-range errors.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Gather, AxesAndIndexForms) {
  ir::Tensor x = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  expect_tensor_near(run1(make_node("Gather"), {x, i64({2, 2}, {0, 1, 2, -1})}), f32({2, 2, 2}, {1, 2, 3, 4, 5, 6, 5, 6}));
  expect_tensor_near(run1(make_node("Gather", {{"axis", attr_int(1)}}), {x, i32({1}, {1})}), f32({3, 1}, {2, 4, 6}));
  expect_tensor_near(run1(make_node("Gather", {{"axis", attr_int(-2)}}), {x, i64({}, {2})}), f32({2}, {5, 6}));
  EXPECT_EQ(values(run1(make_node("Gather"), {i64({4}, {1, 3, 224, 224}), i64({}, {0})})), (std::vector<double>{1}));
  EXPECT_EQ(run1(make_node("Gather"), {x, i64({0}, {})}).dims(), (ir::Dims{0, 2}));
  EXPECT_EQ(error_kind([&] { run1(make_node("Gather"), {x, i64({1}, {3})}); }), ErrorKind::kInvalidArgument);
  EXPECT_EQ(error_kind([&] { run1(make_node("Gather"), {x, f32({1}, {0})}); }), ErrorKind::kUnsupported);
}

}  // namespace
}  // namespace ramiel::testing
