// Unary elementwise kernels against std:: references, attributes, integer types and empty tensors.
#include <cmath>
#include <functional>

#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(ElementwiseUnary, FloatOpsMatchReference) {
  std::mt19937 rng(3);
  struct Op {
    const char* name;
    std::function<double(double)> f;
    float lo, hi;
  };
  const std::vector<Op> ops = {
      {"Abs", [](double x) { return std::abs(x); }, -3, 3},
      {"Neg", [](double x) { return -x; }, -3, 3},
      {"Sqrt", [](double x) { return std::sqrt(x); }, 0, 9},
      {"Exp", [](double x) { return std::exp(x); }, -5, 5},
      {"Log", [](double x) { return std::log(x); }, 0.1f, 9},
      {"Erf", [](double x) { return std::erf(x); }, -3, 3},
      {"Relu", [](double x) { return x > 0 ? x : 0; }, -3, 3},
      {"Sigmoid", [](double x) { return 1 / (1 + std::exp(-x)); }, -8, 8},
      {"Tanh", [](double x) { return std::tanh(x); }, -4, 4},
      {"Reciprocal", [](double x) { return 1 / x; }, 0.5f, 4},
      {"Floor", [](double x) { return std::floor(x); }, -3, 3},
      {"Ceil", [](double x) { return std::ceil(x); }, -3, 3},
      {"Sign", [](double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); }, -3, 3},
      {"Softplus", [](double x) { return std::log1p(std::exp(x)); }, -10, 10},
      {"Softsign", [](double x) { return x / (1 + std::abs(x)); }, -3, 3},
      {"HardSwish", [](double x) { return x * std::max(0.0, std::min(1.0, x / 6 + 0.5)); }, -5, 5},
      {"HardSigmoid", [](double x) { return std::max(0.0, std::min(1.0, 0.2 * x + 0.5)); }, -5, 5},
      {"Elu", [](double x) { return x < 0 ? std::exp(x) - 1 : x; }, -3, 3},
      {"LeakyRelu", [](double x) { return x < 0 ? 0.01 * x : x; }, -3, 3},
      {"Sin", [](double x) { return std::sin(x); }, -3, 3},
      {"Cos", [](double x) { return std::cos(x); }, -3, 3},
      {"Atan", [](double x) { return std::atan(x); }, -3, 3},
      {"Asinh", [](double x) { return std::asinh(x); }, -3, 3},
      {"Cosh", [](double x) { return std::cosh(x); }, -3, 3},
  };
  for (const auto& op : ops) {
    ir::Tensor x = random_f32({3, 5}, rng, op.lo, op.hi);
    ir::Tensor want(ir::DataType::kFloat32, {3, 5});
    for (int64_t i = 0; i < x.size(); ++i) want.data<float>()[i] = static_cast<float>(op.f(x.data<float>()[i]));
    SCOPED_TRACE(op.name);
    expect_tensor_near(run1(make_node(op.name), {x}), want, 1e-5, 1e-6);
  }
}

TEST(ElementwiseUnary, Attributes) {
  ir::Tensor x = f32({4}, {-2, -0.5f, 0.5f, 2});
  expect_tensor_near(run1(make_node("LeakyRelu", {{"alpha", attr_float(0.1f)}}), {x}), f32({4}, {-0.2f, -0.05f, 0.5f, 2}));
  expect_tensor_near(run1(make_node("ThresholdedRelu", {{"alpha", attr_float(1.0f)}}), {x}), f32({4}, {0, 0, 0, 2}));
  expect_tensor_near(run1(make_node("Shrink", {{"lambd", attr_float(1.0f)}, {"bias", attr_float(0.5f)}}), {x}), f32({4}, {-1.5f, 0, 0, 1.5f}));
  expect_tensor_near(run1(make_node("Selu", {{"alpha", attr_float(2.0f)}, {"gamma", attr_float(3.0f)}}), {x}),
                     f32({4}, {3 * (2 * std::exp(-2.0f) - 2), 3 * (2 * std::exp(-0.5f) - 2), 1.5f, 6}));
  expect_tensor_near(run1(make_node("Celu", {{"alpha", attr_float(2.0f)}}), {x}),
                     f32({4}, {2 * (std::exp(-1.0f) - 1), 2 * (std::exp(-0.25f) - 1), 0.5f, 2}));
}

TEST(ElementwiseUnary, IntegerAndBoolTypes) {
  ir::Tensor r = run1(make_node("Relu"), {i32({3}, {-5, 0, 7})});
  EXPECT_EQ(r.dtype(), ir::DataType::kInt32);
  EXPECT_EQ(values(r), (std::vector<double>{0, 0, 7}));
  EXPECT_EQ(values(run1(make_node("Abs"), {i64({3}, {-5, 0, 7})})), (std::vector<double>{5, 0, 7}));
  EXPECT_EQ(values(run1(make_node("Neg"), {i64({2}, {-5, 7})})), (std::vector<double>{5, -7}));
  EXPECT_EQ(values(run1(make_node("Sign"), {i64({3}, {-5, 0, 7})})), (std::vector<double>{-1, 0, 1}));
  EXPECT_EQ(values(run1(make_node("Not"), {boolean({2}, {0, 1})})), (std::vector<double>{1, 0}));
  EXPECT_EQ(error_kind([] { run1(make_node("Sqrt"), {i64({1}, {4})}); }), ErrorKind::kUnsupported);
  EXPECT_EQ(error_kind([] { run1(make_node("Not"), {f32({1}, {1})}); }), ErrorKind::kUnsupported);
}

TEST(ElementwiseUnary, RoundIsHalfToEvenAndIsNanIsInf) {
  expect_tensor_near(run1(make_node("Round"), {f32({5}, {0.5f, 1.5f, 2.5f, -0.5f, -1.6f})}), f32({5}, {0, 2, 2, -0.0f, -2}));
  ir::Tensor x = f32({4}, {1, NAN, INFINITY, -INFINITY});
  EXPECT_EQ(values(run1(make_node("IsNaN"), {x})), (std::vector<double>{0, 1, 0, 0}));
  EXPECT_EQ(values(run1(make_node("IsInf"), {x})), (std::vector<double>{0, 0, 1, 1}));
  EXPECT_EQ(values(run1(make_node("IsInf", {{"detect_negative", attr_int(0)}}), {x})), (std::vector<double>{0, 0, 1, 0}));
}

TEST(ElementwiseUnary, EmptyAndScalarTensors) {
  ir::Tensor e = run1(make_node("Exp"), {f32({0, 3}, {})});
  EXPECT_EQ(e.dims(), (ir::Dims{0, 3}));
  expect_tensor_near(run1(make_node("Exp"), {f32({}, {0})}), f32({}, {1}));
}

}  // namespace
}  // namespace ramiel::testing
