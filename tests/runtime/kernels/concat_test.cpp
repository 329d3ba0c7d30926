// Concat: axes (negative), empty inputs, int64 shape vectors.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Concat, AlongEachAxis) {
  ir::Tensor a = f32({2, 2}, {1, 2, 3, 4}), b = f32({2, 1}, {5, 6});
  expect_tensor_near(run1(make_node("Concat", {{"axis", attr_int(1)}}), {a, b}), f32({2, 3}, {1, 2, 5, 3, 4, 6}));
  expect_tensor_near(run1(make_node("Concat", {{"axis", attr_int(-1)}}), {a, b}), f32({2, 3}, {1, 2, 5, 3, 4, 6}));
  expect_tensor_near(run1(make_node("Concat", {{"axis", attr_int(0)}}), {a, f32({1, 2}, {7, 8})}), f32({3, 2}, {1, 2, 3, 4, 7, 8}));
}

TEST(Concat, EmptyInputsAndInt64) {
  expect_tensor_near(run1(make_node("Concat", {{"axis", attr_int(0)}}), {f32({0, 2}, {}), f32({1, 2}, {1, 2})}), f32({1, 2}, {1, 2}));
  EXPECT_EQ(values(run1(make_node("Concat", {{"axis", attr_int(0)}}), {i64({1}, {-1}), i64({2}, {3, 4}), i64({0}, {})})), (std::vector<double>{-1, 3, 4}));
  EXPECT_EQ(error_kind([] { run1(make_node("Concat", {{"axis", attr_int(0)}}), {f32({1, 2}, {1, 2}), f32({1, 3}, {1, 2, 3})}); }), ErrorKind::kInvalidModel);
  EXPECT_EQ(error_kind([] { run1(make_node("Concat", {{"axis", attr_int(2)}}), {f32({1, 2}, {1, 2})}); }), ErrorKind::kInvalidModel);
}

}  // namespace
}  // namespace ramiel::testing
