// QuantizeLinear, DequantizeLinear (per tensor and per axis) and DynamicQuantizeLinear.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

ir::Tensor u8(ir::Dims dims, std::vector<uint8_t> v) { return ir::Tensor::from(ir::DataType::kUint8, std::move(dims), v); }
ir::Tensor s8(ir::Dims dims, std::vector<int8_t> v) { return ir::Tensor::from(ir::DataType::kInt8, std::move(dims), v); }

TEST(Quantize, RoundsHalfToEvenAndSaturates) {
  ir::Tensor q = run1(make_node("QuantizeLinear"), {f32({5}, {0, 1, 3, 1000, -1000}), f32({}, {2}), u8({}, {128})});
  EXPECT_EQ(q.dtype(), ir::DataType::kUint8);
  EXPECT_EQ(values(q), (std::vector<double>{128, 128, 130, 255, 0}));
  EXPECT_EQ(values(run1(make_node("QuantizeLinear"), {f32({2}, {5, -300}), f32({}, {1}), s8({}, {0})})), (std::vector<double>{5, -128}));
  EXPECT_EQ(values(run1(make_node("QuantizeLinear"), {f32({2}, {2, 2}), f32({}, {1})})), (std::vector<double>{2, 2})) << "uint8 without a zero point";
  // Per axis: axis 1 of [1, 2, 2].
  EXPECT_EQ(values(run1(make_node("QuantizeLinear"), {f32({1, 2, 2}, {2, 4, 2, 4}), f32({2}, {1, 2}), u8({2}, {0, 10})})), (std::vector<double>{2, 4, 11, 12}));
}

TEST(Quantize, Dequantize) {
  expect_tensor_near(run1(make_node("DequantizeLinear"), {u8({3}, {0, 128, 255}), f32({}, {2}), u8({}, {128})}), f32({3}, {-256, 0, 254}));
  expect_tensor_near(run1(make_node("DequantizeLinear"), {i32({2}, {-5, 5}), f32({}, {0.5f})}), f32({2}, {-2.5f, 2.5f}));
  expect_tensor_near(run1(make_node("DequantizeLinear"), {u8({1, 2, 1}, {3, 3}), f32({2}, {1, 2}), u8({2}, {1, 2})}), f32({1, 2, 1}, {2, 2}));
}

TEST(Quantize, Dynamic) {
  auto out = run_node(make_node("DynamicQuantizeLinear", {}, 3), {f32({3}, {0, 2, -0.55f})});
  const float scale = 2.55f / 255;
  expect_tensor_near(out[1], f32({}, {scale}));
  EXPECT_EQ(values(out[2]), (std::vector<double>{55}));
  EXPECT_EQ(values(out[0]), (std::vector<double>{55, 255, 0}));
}

}  // namespace
}  // namespace ramiel::testing
