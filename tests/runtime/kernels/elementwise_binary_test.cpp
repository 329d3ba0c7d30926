// Binary elementwise kernels: broadcasting against a naive reference, integer and bool semantics,
// float16, empty tensors and errors.
#include <cmath>

#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

/// Naive numpy-broadcast reference for float ops.
template <typename F> ir::Tensor reference(const ir::Tensor& a, const ir::Tensor& b, ir::Dims out, F f) {
  ir::Tensor r(ir::DataType::kFloat32, out);
  for (int64_t i = 0; i < r.size(); ++i) {
    auto idx = unravel(i, out);
    r.data<float>()[i] = f(a.data<float>()[broadcast_index(idx, a.dims())], b.data<float>()[broadcast_index(idx, b.dims())]);
  }
  return r;
}

struct BcastCase {
  ir::Dims a, b, out;
};

TEST(ElementwiseBinary, BroadcastingMatchesNaiveReference) {
  std::mt19937 rng(7);
  const std::vector<BcastCase> cases = {
      {{2, 3, 4}, {2, 3, 4}, {2, 3, 4}}, {{2, 3, 4}, {4}, {2, 3, 4}},       {{2, 3, 4}, {3, 1}, {2, 3, 4}},
      {{1, 3, 1}, {2, 1, 5}, {2, 3, 5}}, {{}, {2, 3}, {2, 3}},              {{2, 3}, {}, {2, 3}},
      {{5, 1, 4, 1}, {3, 1, 6}, {5, 3, 4, 6}}, {{1}, {1}, {1}},             {{2, 1, 3}, {2, 4, 3}, {2, 4, 3}},
      {{128, 768}, {768}, {128, 768}},   {{0, 3}, {3}, {0, 3}},
  };
  struct Op {
    const char* name;
    float (*f)(float, float);
  };
  const Op ops[] = {{"Add", [](float x, float y) { return x + y; }},
                    {"Sub", [](float x, float y) { return x - y; }},
                    {"Mul", [](float x, float y) { return x * y; }},
                    {"Div", [](float x, float y) { return x / y; }},
                    {"Pow", [](float x, float y) { return std::pow(std::abs(x), y); }}};
  for (const auto& c : cases) {
    for (const auto& op : ops) {
      ir::Tensor a = random_f32(c.a, rng, 0.5f, 2.0f), b = random_f32(c.b, rng, 0.5f, 2.0f);
      ir::Tensor got = run1(make_node(op.name), {a, b});
      SCOPED_TRACE(std::string(op.name) + " " + ir::to_string(c.a) + " " + ir::to_string(c.b));
      expect_tensor_near(got, reference(a, b, c.out, op.f));
    }
  }
}

TEST(ElementwiseBinary, ComparisonsGiveBool) {
  ir::Tensor a = f32({4}, {1, 2, 3, NAN}), b = f32({1}, {2});
  EXPECT_EQ(values(run1(make_node("Less"), {a, b})), (std::vector<double>{1, 0, 0, 0}));
  EXPECT_EQ(values(run1(make_node("LessOrEqual"), {a, b})), (std::vector<double>{1, 1, 0, 0}));
  EXPECT_EQ(values(run1(make_node("Greater"), {a, b})), (std::vector<double>{0, 0, 1, 0}));
  EXPECT_EQ(values(run1(make_node("GreaterOrEqual"), {a, b})), (std::vector<double>{0, 1, 1, 0}));
  ir::Tensor eq = run1(make_node("Equal"), {i64({3}, {1, 2, 3}), i64({3}, {1, 0, 3})});
  EXPECT_EQ(eq.dtype(), ir::DataType::kBool);
  EXPECT_EQ(values(eq), (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(values(run1(make_node("Equal"), {boolean({2}, {1, 0}), boolean({2}, {1, 1})})), (std::vector<double>{1, 0}));
}

TEST(ElementwiseBinary, LogicOnBools) {
  ir::Tensor a = boolean({4}, {0, 0, 1, 1}), b = boolean({4}, {0, 1, 0, 1});
  EXPECT_EQ(values(run1(make_node("And"), {a, b})), (std::vector<double>{0, 0, 0, 1}));
  EXPECT_EQ(values(run1(make_node("Or"), {a, b})), (std::vector<double>{0, 1, 1, 1}));
  EXPECT_EQ(values(run1(make_node("Xor"), {a, b})), (std::vector<double>{0, 1, 1, 0}));
  EXPECT_EQ(values(run1(make_node("And"), {a, boolean({}, {1})})), (std::vector<double>{0, 0, 1, 1}));
}

TEST(ElementwiseBinary, IntegerArithmetic) {
  ir::Tensor a = i64({4}, {7, -7, 7, -7}), b = i64({4}, {2, 2, -2, 0});
  EXPECT_EQ(values(run1(make_node("Div"), {a, b})), (std::vector<double>{3, -3, -3, 0})) << "truncates; /0 gives 0";
  EXPECT_EQ(values(run1(make_node("Mod"), {a, b})), (std::vector<double>{1, 1, -1, 0})) << "sign of the divisor";
  EXPECT_EQ(values(run1(make_node("Mod", {{"fmod", attr_int(1)}}), {a, b})), (std::vector<double>{1, -1, 1, 0}));
  ir::Tensor s = run1(make_node("Add"), {i32({2}, {1, 2}), i32({}, {40})});
  EXPECT_EQ(s.dtype(), ir::DataType::kInt32);
  EXPECT_EQ(values(s), (std::vector<double>{41, 42}));
  EXPECT_EQ(values(run1(make_node("Mul"), {i64({2, 2}, {1, 2, 3, 4}), i64({2, 1}, {10, 100})})), (std::vector<double>{10, 20, 300, 400}));
}

TEST(ElementwiseBinary, FloatModFollowsTheSignRule) {
  ir::Tensor a = f32({3}, {-4.3f, 5.5f, 7.0f}), b = f32({3}, {2.1f, -2.0f, 3.0f});
  expect_tensor_near(run1(make_node("Mod", {{"fmod", attr_int(1)}}), {a, b}), f32({3}, {std::fmod(-4.3f, 2.1f), 1.5f, 1.0f}));
  expect_tensor_near(run1(make_node("Mod"), {a, b}), f32({3}, {std::fmod(-4.3f, 2.1f) + 2.1f, -0.5f, 1.0f}));
}

TEST(ElementwiseBinary, PowWithMixedTypesAndConstantSquare) {
  expect_tensor_near(run1(make_node("Pow"), {f32({3}, {1, 2, 3}), i64({1}, {3})}), f32({3}, {1, 8, 27}));
  EXPECT_EQ(values(run1(make_node("Pow"), {i64({3}, {1, 2, 3}), i64({}, {2})})), (std::vector<double>{1, 4, 9}));
  ir::Tensor two = f32({}, {2.0f});
  RunOptions constant_exponent;
  constant_exponent.constant = {false, true};
  expect_tensor_near(run1(make_node("Pow"), {f32({3}, {-1.5f, 2, 3}), two}, constant_exponent), f32({3}, {2.25f, 4, 9}));
}

TEST(ElementwiseBinary, PReluAndBitShift) {
  expect_tensor_near(run1(make_node("PRelu"), {f32({2, 2}, {-1, 2, -3, 4}), f32({2, 1}, {0.5f, 0.25f})}), f32({2, 2}, {-0.5f, 2, -0.75f, 4}));
  ir::Tensor x = ir::Tensor::from(ir::DataType::kUint8, {3}, std::vector<uint8_t>{1, 2, 128});
  ir::Tensor s = ir::Tensor::from(ir::DataType::kUint8, {3}, std::vector<uint8_t>{1, 2, 9});
  EXPECT_EQ(values(run1(make_node("BitShift", {{"direction", attr_string("LEFT")}}), {x, s})), (std::vector<double>{2, 8, 0}));
  EXPECT_EQ(values(run1(make_node("BitShift", {{"direction", attr_string("RIGHT")}}), {x, s})), (std::vector<double>{0, 0, 0}));
}

TEST(ElementwiseBinary, Float16IsComputedInFloat) {
  ir::Tensor a(ir::DataType::kFloat16, {2}), b(ir::DataType::kFloat16, {2});
  const uint16_t one = 0x3c00, half = 0x3800;
  std::memcpy(a.raw(), std::vector<uint16_t>{one, half}.data(), 4);
  std::memcpy(b.raw(), std::vector<uint16_t>{one, one}.data(), 4);
  ir::Tensor s = run1(make_node("Add"), {a, b});
  EXPECT_EQ(s.dtype(), ir::DataType::kFloat16);
  EXPECT_EQ(values(s), (std::vector<double>{2.0, 1.5}));
}

TEST(ElementwiseBinary, Errors) {
  EXPECT_EQ(error_kind([] { run1(make_node("Add"), {f32({2}, {1, 2}), i64({2}, {1, 2})}); }), ErrorKind::kInvalidModel);
  EXPECT_EQ(error_kind([] { run1(make_node("Add"), {f32({2}, {1, 2}), f32({3}, {1, 2, 3})}); }), ErrorKind::kInvalidModel);
  EXPECT_EQ(error_kind([] { run1(make_node("Add"), {boolean({1}, {1}), boolean({1}, {1})}); }), ErrorKind::kUnsupported);
  EXPECT_EQ(error_kind([] { run1(make_node("And"), {f32({1}, {1}), f32({1}, {1})}); }), ErrorKind::kUnsupported);
  try {
    run1(make_node("Sub"), {boolean({1}, {1}), boolean({1}, {1})});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Sub node 'n'"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace ramiel::testing
