// Reshape, Flatten, Squeeze, Unsqueeze: dims rules, views, un-aliased copies, dynamic dims.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

const RunOptions kConstShape = {{false, true}, 13, false};

TEST(Reshape, InferAndCopyDims) {
  ir::Tensor x = f32({2, 3, 4}, std::vector<float>(24, 1.0f));
  EXPECT_EQ(run1(make_node("Reshape"), {x, i64({2}, {-1, 4})}, kConstShape).dims(), (ir::Dims{6, 4}));
  EXPECT_EQ(run1(make_node("Reshape"), {x, i64({3}, {0, -1, 2})}, kConstShape).dims(), (ir::Dims{2, 6, 2}));
  EXPECT_EQ(run1(make_node("Reshape", {{"allowzero", attr_int(1)}}), {f32({0, 3}, {}), i64({2}, {3, 0})}, kConstShape).dims(), (ir::Dims{3, 0}));
  EXPECT_EQ(error_kind([&] { run1(make_node("Reshape"), {x, i64({2}, {-1, -1})}, kConstShape); }), ErrorKind::kInvalidModel);
  EXPECT_EQ(error_kind([&] { run1(make_node("Reshape"), {x, i64({1}, {5})}, kConstShape); }), ErrorKind::kInvalidModel);
  EXPECT_EQ(error_kind([&] { run1(make_node("Reshape"), {x, i64({1}, {5})}); }), ErrorKind::kInvalidArgument);
}

TEST(Reshape, IsAViewThatStillCopiesWhenRunUnaliased) {
  ir::Tensor x = f32({2, 2}, {1, 2, 3, 4});
  ir::Tensor shape = i64({1}, {4});
  // Un-aliased: run() copies.
  expect_tensor_near(run1(make_node("Reshape"), {x, shape}, kConstShape), f32({4}, {1, 2, 3, 4}));
  // Aliased as by the executor: same storage, run() skipped.
  RunOptions alias = kConstShape;
  alias.alias_views = true;
  ir::Tensor v = run1(make_node("Reshape"), {x, shape}, alias);
  EXPECT_EQ(v.raw(), x.raw());
  // A run-time shape makes the output dynamic (a fresh copy, not a view).
  auto infos = infos_of(make_node("Reshape"), {x, shape});
  EXPECT_TRUE(infos[0].dynamic);
  ir::Tensor d = run1(make_node("Reshape"), {x, shape});
  EXPECT_NE(d.raw(), x.raw());
  expect_tensor_near(d, f32({4}, {1, 2, 3, 4}));
}

TEST(Flatten, Axes) {
  ir::Tensor x = f32({2, 3, 4}, std::vector<float>(24, 0.0f));
  EXPECT_EQ(run1(make_node("Flatten"), {x}).dims(), (ir::Dims{2, 12}));
  EXPECT_EQ(run1(make_node("Flatten", {{"axis", attr_int(0)}}), {x}).dims(), (ir::Dims{1, 24}));
  EXPECT_EQ(run1(make_node("Flatten", {{"axis", attr_int(3)}}), {x}).dims(), (ir::Dims{24, 1}));
  EXPECT_EQ(run1(make_node("Flatten", {{"axis", attr_int(-1)}}), {x}).dims(), (ir::Dims{6, 4}));
}

TEST(Squeeze, AxesAttributeInputAndAll) {
  ir::Tensor x = f32({1, 3, 1, 2}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(run1(make_node("Squeeze"), {x}).dims(), (ir::Dims{3, 2}));
  EXPECT_EQ(run1(make_node("Squeeze"), {x, i64({1}, {-2})}, kConstShape).dims(), (ir::Dims{1, 3, 2}));
  RunOptions old;
  old.opset = 11;
  EXPECT_EQ(run1(make_node("Squeeze", {{"axes", attr_ints({0})}}), {x}, old).dims(), (ir::Dims{3, 1, 2}));
  EXPECT_EQ(error_kind([&] { run1(make_node("Squeeze"), {x, i64({1}, {1})}, kConstShape); }), ErrorKind::kInvalidModel);
}

TEST(Unsqueeze, AxesAttributeAndInput) {
  ir::Tensor x = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(run1(make_node("Unsqueeze"), {x, i64({2}, {0, -1})}, kConstShape).dims(), (ir::Dims{1, 3, 2, 1}));
  EXPECT_EQ(run1(make_node("Unsqueeze"), {x, i64({2}, {3, 1})}, kConstShape).dims(), (ir::Dims{3, 1, 2, 1}));
  RunOptions old;
  old.opset = 11;
  EXPECT_EQ(run1(make_node("Unsqueeze", {{"axes", attr_ints({0})}}), {f32({}, {5})}, old).dims(), (ir::Dims{1}));
  EXPECT_EQ(error_kind([&] { run1(make_node("Unsqueeze"), {x, i64({2}, {0, 0})}, kConstShape); }), ErrorKind::kInvalidModel);
}

}  // namespace
}  // namespace ramiel::testing
