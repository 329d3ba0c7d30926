// GatherND (with batch_dims) and ScatterND (with reductions).
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(GatherND, TuplesSlicesAndBatches) {
  ir::Tensor x = f32({2, 2}, {0, 1, 2, 3});
  expect_tensor_near(run1(make_node("GatherND"), {x, i64({2, 2}, {0, 0, 1, 1})}), f32({2}, {0, 3}));
  expect_tensor_near(run1(make_node("GatherND"), {x, i64({2, 1}, {1, 0})}), f32({2, 2}, {2, 3, 0, 1}));
  ir::Tensor b = f32({2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
  expect_tensor_near(run1(make_node("GatherND", {{"batch_dims", attr_int(1)}}), {b, i64({2, 1}, {1, 0})}), f32({2, 2}, {2, 3, 4, 5}));
  EXPECT_EQ(error_kind([&] { run1(make_node("GatherND"), {x, i64({1, 2}, {2, 0})}); }), ErrorKind::kInvalidArgument);
}

TEST(ScatterND, ReplaceAndAdd) {
  ir::Tensor x = f32({4}, {1, 2, 3, 4});
  expect_tensor_near(run1(make_node("ScatterND"), {x, i64({2, 1}, {3, 1}), f32({2}, {9, 10})}), f32({4}, {1, 10, 3, 9}));
  expect_tensor_near(run1(make_node("ScatterND", {{"reduction", attr_string("add")}}), {x, i64({2, 1}, {1, 1}), f32({2}, {9, 10})}), f32({4}, {1, 21, 3, 4}));
  ir::Tensor m = f32({2, 2}, {0, 0, 0, 0});
  expect_tensor_near(run1(make_node("ScatterND"), {m, i64({1, 1}, {1}), f32({1, 2}, {5, 6})}), f32({2, 2}, {0, 0, 5, 6}));
}

}  // namespace
}  // namespace ramiel::testing
