// OneHot: axes, negative indices, out-of-range indices, run-time depth.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(OneHot, AxesAndIndices) {
  const RunOptions constant_depth = {{false, true, false}, 11, false};
  ir::Tensor values = f32({2}, {0, 5});
  expect_tensor_near(run1(make_node("OneHot"), {i64({3}, {0, -1, 7}), f32({}, {3}), values}, constant_depth),
                     f32({3, 3}, {5, 0, 0, 0, 0, 5, 0, 0, 0}));
  expect_tensor_near(run1(make_node("OneHot", {{"axis", attr_int(0)}}), {i64({2}, {1, 0}), i64({}, {2}), values}), f32({2, 2}, {0, 5, 5, 0}));
}

TEST(EyeLike, DiagonalsAndTypes) {
  expect_tensor_near(run1(make_node("EyeLike", {{"k", attr_int(1)}}), {f32({2, 3}, std::vector<float>(6, 9.0f))}), f32({2, 3}, {0, 1, 0, 0, 0, 1}));
  ir::Tensor i = run1(make_node("EyeLike", {{"dtype", attr_int(7)}, {"k", attr_int(-1)}}), {f32({3, 2}, std::vector<float>(6, 0.0f))});
  EXPECT_EQ(i.dtype(), ir::DataType::kInt64);
  EXPECT_EQ(values(i), (std::vector<double>{0, 0, 1, 0, 0, 1}));
}

}  // namespace
}  // namespace ramiel::testing
