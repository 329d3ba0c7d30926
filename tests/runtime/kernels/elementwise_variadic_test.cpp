// Max, Min, Sum, Mean over several broadcast inputs.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(ElementwiseVariadic, ThreeBroadcastInputs) {
  ir::Tensor a = f32({2, 1}, {1, 5}), b = f32({3}, {2, 4, 6}), c = f32({}, {3});
  expect_tensor_near(run1(make_node("Max"), {a, b, c}), f32({2, 3}, {3, 4, 6, 5, 5, 6}));
  expect_tensor_near(run1(make_node("Min"), {a, b, c}), f32({2, 3}, {1, 1, 1, 2, 3, 3}));
  expect_tensor_near(run1(make_node("Sum"), {a, b, c}), f32({2, 3}, {6, 8, 10, 10, 12, 14}));
  expect_tensor_near(run1(make_node("Mean"), {a, b, c}), f32({2, 3}, {2, 8.0f / 3, 10.0f / 3, 10.0f / 3, 4, 14.0f / 3}));
}

TEST(ElementwiseVariadic, SingleInputAndNaN) {
  expect_tensor_near(run1(make_node("Sum"), {f32({2}, {1, 2})}), f32({2}, {1, 2}));
  expect_tensor_near(run1(make_node("Mean"), {f32({2}, {1, 2})}), f32({2}, {1, 2}));
  expect_tensor_near(run1(make_node("Max"), {f32({2}, {NAN, 1}), f32({2}, {0, NAN})}), f32({2}, {NAN, NAN}));
  expect_tensor_near(run1(make_node("Min"), {f32({2}, {NAN, 1}), f32({2}, {0, NAN})}), f32({2}, {NAN, NAN}));
}

TEST(ElementwiseVariadic, IntegersAndErrors) {
  EXPECT_EQ(values(run1(make_node("Max"), {i64({3}, {1, 9, 3}), i64({3}, {4, 2, 6})})), (std::vector<double>{4, 9, 6}));
  EXPECT_EQ(values(run1(make_node("Sum"), {i32({2}, {1, 2}), i32({2}, {3, 4}), i32({1}, {10})})), (std::vector<double>{14, 16}));
  EXPECT_EQ(error_kind([] { run1(make_node("Mean"), {i64({1}, {1})}); }), ErrorKind::kUnsupported);
  EXPECT_EQ(error_kind([] { run1(make_node("Sum"), {f32({1}, {1}), i64({1}, {1})}); }), ErrorKind::kInvalidModel);
}

}  // namespace
}  // namespace ramiel::testing
