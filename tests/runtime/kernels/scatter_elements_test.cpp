// ScatterElements (and Scatter): axes, negative indices, reductions.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(ScatterElements, ReplaceAndReduce) {
  ir::Tensor x = f32({1, 5}, {1, 2, 3, 4, 5});
  ir::Tensor idx = i64({1, 2}, {1, -2}), upd = f32({1, 2}, {1.1f, 2.1f});
  expect_tensor_near(run1(make_node("ScatterElements", {{"axis", attr_int(1)}}), {x, idx, upd}), f32({1, 5}, {1, 1.1f, 3, 2.1f, 5}));
  expect_tensor_near(run1(make_node("ScatterElements", {{"axis", attr_int(1)}, {"reduction", attr_string("add")}}), {x, i64({1, 2}, {1, 1}), upd}),
                     f32({1, 5}, {1, 5.2f, 3, 4, 5}));
  expect_tensor_near(run1(make_node("ScatterElements", {{"axis", attr_int(1)}, {"reduction", attr_string("mul")}}), {x, i64({1, 2}, {1, 1}), upd}),
                     f32({1, 5}, {1, 2 * 1.1f * 2.1f, 3, 4, 5}));
  ir::Tensor m = f32({3, 3}, std::vector<float>(9, 0.0f));
  expect_tensor_near(run1(make_node("Scatter"), {m, i64({2, 3}, {1, 0, 2, 0, 2, 1}), f32({2, 3}, {1, 2, 3, 4, 5, 6})}, {{}, 9, false}),
                     f32({3, 3}, {4, 2, 0, 1, 0, 6, 0, 5, 3}));
  EXPECT_EQ(error_kind([&] { run1(make_node("ScatterElements"), {m, i64({1, 1}, {5}), f32({1, 1}, {1})}); }), ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace ramiel::testing
