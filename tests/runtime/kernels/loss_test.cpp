// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: reductions, weights, ignore_index, log_prob.
#include <cmath>

#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Loss, NegativeLogLikelihoodReductionsWeightsAndIgnore) {
  ir::Tensor x = f32({2, 3}, {-1, -2, -3, -4, -5, -6});
  ir::Tensor t = i64({2}, {2, 0});
  expect_tensor_near(run1(make_node("NegativeLogLikelihoodLoss", {{"reduction", attr_string("none")}}), {x, t}), f32({2}, {3, 4}));
  expect_tensor_near(run1(make_node("NegativeLogLikelihoodLoss", {{"reduction", attr_string("sum")}}), {x, t}), f32({}, {7}));
  expect_tensor_near(run1(make_node("NegativeLogLikelihoodLoss"), {x, t}), f32({}, {3.5f}));
  // Weighted mean divides by the sum of the picked weights.
  expect_tensor_near(run1(make_node("NegativeLogLikelihoodLoss"), {x, t, f32({3}, {1, 0, 2})}), f32({}, {(3 * 2 + 4 * 1) / 3.0f}));
  // ignore_index drops the element from the sum and from the mean's count.
  expect_tensor_near(run1(make_node("NegativeLogLikelihoodLoss", {{"ignore_index", attr_int(0)}}), {x, t}), f32({}, {3}));
  EXPECT_EQ(error_kind([&] { run1(make_node("NegativeLogLikelihoodLoss"), {x, i64({2}, {3, 0})}); }), ErrorKind::kInvalidArgument);
}

TEST(Loss, SoftmaxCrossEntropyWithLogProb) {
  ir::Tensor x = f32({1, 2, 2}, {0, 1, 0, 1});  // N=1, C=2, D=2: equal scores per position
  auto out = run_node(make_node("SoftmaxCrossEntropyLoss", {}, 2), {x, i64({1, 2}, {0, 1})});
  expect_tensor_near(out[0], f32({}, {std::log(2.0f)}));
  expect_tensor_near(out[1], f32({1, 2, 2}, {-std::log(2.0f), -std::log(2.0f), -std::log(2.0f), -std::log(2.0f)}));
}

}  // namespace
}  // namespace ramiel::testing
