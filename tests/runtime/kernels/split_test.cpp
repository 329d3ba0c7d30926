// Split: split attribute (opset < 13), split input (constant and run-time), equal parts.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Split, EqualParts) {
  auto out = run_node(make_node("Split", {{"axis", attr_int(1)}}, 2), {f32({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})});
  expect_tensor_near(out[0], f32({2, 2}, {1, 2, 5, 6}));
  expect_tensor_near(out[1], f32({2, 2}, {3, 4, 7, 8}));
  auto uneven = run_node(make_node("Split", {}, 3), {f32({5}, {1, 2, 3, 4, 5})});
  EXPECT_EQ(uneven[2].dims(), (ir::Dims{1})) << "last part is smaller";
}

TEST(Split, SizesFromAttributeAndInput) {
  ir::Tensor x = f32({6}, {1, 2, 3, 4, 5, 6});
  RunOptions old;
  old.opset = 11;
  auto a = run_node(make_node("Split", {{"split", attr_ints({1, 5})}}, 2), {x}, old);
  EXPECT_EQ(a[1].dims(), (ir::Dims{5}));
  RunOptions constant;
  constant.constant = {false, true};
  auto b = run_node(make_node("Split", {}, 3), {x, i64({3}, {2, 0, 4})}, constant);
  EXPECT_EQ(b[1].dims(), (ir::Dims{0}));
  expect_tensor_near(b[2], f32({4}, {3, 4, 5, 6}));
  auto infos = infos_of(make_node("Split", {}, 2), {x, i64({2}, {3, 3})});
  EXPECT_TRUE(infos[0].dynamic) << "a run-time split input makes the outputs dynamic";
  auto c = run_node(make_node("Split", {}, 2), {x, i64({2}, {4, 2})});
  expect_tensor_near(c[0], f32({4}, {1, 2, 3, 4}));
  EXPECT_EQ(error_kind([&] { run_node(make_node("Split", {}, 2), {x, i64({2}, {4, 4})}, constant); }), ErrorKind::kInvalidModel);
  EXPECT_EQ(error_kind([&] { run_node(make_node("Split", {}, 2), {x, i64({2}, {4, 4})}); }), ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace ramiel::testing
