// Cast and CastLike: float16/bfloat16 rounding, float to int and bool, same-type copies.
#include "runtime/kernels/kernel_test_support.h"
#include "runtime/kernels/kernel_util.h"

namespace ramiel::testing {
namespace {

ir::Node cast_to(ir::DataType t) { return make_node("Cast", {{"to", attr_int(static_cast<int64_t>(t))}}); }

TEST(Cast, Float16RoundTripsAndRoundsToNearestEven) {
  ir::Tensor x = f32({6}, {1.0f, -2.5f, 65504.0f, 1e6f, 1.0f + 1.0f / 4096, 5.96e-8f});
  ir::Tensor h = run1(cast_to(ir::DataType::kFloat16), {x});
  ASSERT_EQ(h.dtype(), ir::DataType::kFloat16);
  const uint16_t* bits = h.data<uint16_t>();
  EXPECT_EQ(bits[0], 0x3c00);
  EXPECT_EQ(bits[1], 0xc100);
  EXPECT_EQ(bits[2], 0x7bff);
  EXPECT_EQ(bits[3], 0x7c00) << "overflow becomes infinity";
  EXPECT_EQ(bits[4], 0x3c00) << "1 + 2^-12 is a tie: rounds to even";
  EXPECT_EQ(bits[5], 0x0001) << "smallest subnormal";
  expect_tensor_near(run1(cast_to(ir::DataType::kFloat32), {h}), f32({6}, {1.0f, -2.5f, 65504.0f, INFINITY, 1.0f, 5.9604645e-8f}));
}

TEST(Cast, HalfConversionIsExactForEveryHalf) {
  for (uint32_t b = 0; b < 0x10000; ++b) {
    const auto h = static_cast<uint16_t>(b);
    const float f = runtime::half_to_float(h);
    if (std::isnan(f)) continue;
    ASSERT_EQ(runtime::float_to_half(f), h) << b;
  }
}

TEST(Cast, BFloat16TruncatesAsOnnx112) {
  ir::Tensor b = run1(cast_to(ir::DataType::kBFloat16), {f32({2}, {0.49968487f, 1.0f})});
  EXPECT_EQ(b.data<uint16_t>()[0], 0x3eff);
  EXPECT_EQ(b.data<uint16_t>()[1], 0x3f80);
}

TEST(Cast, IntegersAndBools) {
  EXPECT_EQ(values(run1(cast_to(ir::DataType::kInt64), {f32({3}, {-1.7f, 0.2f, 3.9f})})), (std::vector<double>{-1, 0, 3}));
  EXPECT_EQ(values(run1(cast_to(ir::DataType::kBool), {f32({3}, {-1.7f, 0, NAN})})), (std::vector<double>{1, 0, 1}));
  expect_tensor_near(run1(cast_to(ir::DataType::kFloat32), {boolean({2}, {1, 0})}), f32({2}, {1, 0}));
  EXPECT_EQ(values(run1(cast_to(ir::DataType::kInt32), {i64({2}, {-3, 1LL << 40})}))[0], -3);
  ir::Tensor same = run1(cast_to(ir::DataType::kInt64), {i64({2}, {5, 6})});
  EXPECT_EQ(values(same), (std::vector<double>{5, 6}));
  ir::Tensor like = run1(make_node("CastLike"), {f32({2}, {1.5f, 2}), f64({1}, {0})});
  EXPECT_EQ(like.dtype(), ir::DataType::kFloat64);
  EXPECT_EQ(error_kind([] { run1(cast_to(ir::DataType::kString), {f32({1}, {1})}); }), ErrorKind::kUnsupported);
}

}  // namespace
}  // namespace ramiel::testing
