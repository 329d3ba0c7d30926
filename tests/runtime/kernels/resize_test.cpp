// Resize and Upsample: nearest modes, linear with coordinate modes, cubic, sizes, run-time scales.
// Expected values are those of ONNX's reference implementation (onnx/backend/test/case/node/resize.py).
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

ir::Tensor four_by_four() { return f32({1, 1, 4, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}); }
const RunOptions kConstScales = {{false, true, true, true}, 13, false};

TEST(Resize, NearestUpsampleAndDownsample) {
  ir::Tensor x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  expect_tensor_near(run1(make_node("Resize"), {x, absent(), f32({4}, {1, 1, 2, 3})}, kConstScales),
                     f32({1, 1, 4, 6}, {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}));
  expect_tensor_near(run1(make_node("Resize"), {f32({1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}), absent(), f32({4}, {1, 1, 0.6f, 0.6f})}, kConstScales),
                     f32({1, 1, 1, 2}, {1, 3}));
  expect_tensor_near(run1(make_node("Resize"), {f32({1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}), absent(), absent(), i64({4}, {1, 1, 1, 3})}, kConstScales),
                     f32({1, 1, 1, 3}, {1, 2, 4}));
}

TEST(Resize, LinearModes) {
  ir::Tensor x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  ir::Tensor scales = f32({4}, {1, 1, 2, 2});
  expect_tensor_near(run1(make_node("Resize", {{"mode", attr_string("linear")}}), {x, absent(), scales}, kConstScales),
                     f32({1, 1, 4, 4}, {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4}));
  expect_tensor_near(run1(make_node("Resize", {{"mode", attr_string("linear")}, {"coordinate_transformation_mode", attr_string("align_corners")}}),
                          {x, absent(), scales}, kConstScales),
                     f32({1, 1, 4, 4}, {1, 4.0f / 3, 5.0f / 3, 2, 5.0f / 3, 2, 7.0f / 3, 8.0f / 3, 7.0f / 3, 8.0f / 3, 3, 10.0f / 3, 3, 10.0f / 3, 11.0f / 3, 4}));
  // Downsample 4x4 -> 2x2 (scales 0.6): half_pixel reads between pixels.
  expect_tensor_near(run1(make_node("Resize", {{"mode", attr_string("linear")}}), {f32({1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}), absent(), f32({4}, {1, 1, 0.6f, 0.6f})}, kConstScales),
                     f32({1, 1, 1, 2}, {2.6666665f, 4.3333331f}), 1e-5, 1e-5);
}

TEST(Resize, CubicAndCropAndResize) {
  // test_resize_upsample_scales_cubic_asymmetric, first row.
  ir::Tensor y = run1(make_node("Resize", {{"mode", attr_string("cubic")}, {"coordinate_transformation_mode", attr_string("asymmetric")}}),
                      {four_by_four(), absent(), f32({4}, {1, 1, 2, 2})}, kConstScales);
  ASSERT_EQ(y.dims(), (ir::Dims{1, 1, 8, 8}));
  const std::vector<double> row = {1, 1.40625, 2, 2.5, 3, 3.59375, 4, 4.09375};
  for (size_t j = 0; j < row.size(); ++j) EXPECT_NEAR(ir::element_as_double(y, static_cast<int64_t>(j)), row[j], 1e-5);
  // tf_crop_and_resize with extrapolation outside the roi.
  ir::Tensor c = run1(make_node("Resize", {{"mode", attr_string("linear")}, {"coordinate_transformation_mode", attr_string("tf_crop_and_resize")},
                                           {"extrapolation_value", attr_float(10)}}),
                      {four_by_four(), f32({8}, {0, 0, 0.4f, 0.6f, 1, 1, 1.2f, 1.7f}), absent(), i64({4}, {1, 1, 3, 3})}, kConstScales);
  expect_tensor_near(c, f32({1, 1, 3, 3}, {7.6f, 10, 10, 12.4f, 10, 10, 10, 10, 10}), 1e-5, 1e-5);
}

TEST(Resize, RunTimeScalesAndUpsample) {
  ir::Tensor x = f32({1, 2}, {1, 2});
  EXPECT_TRUE(infos_of(make_node("Resize"), {x, absent(), f32({2}, {1, 2})})[0].dynamic);
  expect_tensor_near(run1(make_node("Resize"), {x, absent(), f32({2}, {1, 2})}), f32({1, 4}, {1, 1, 2, 2}));
  RunOptions up;
  up.opset = 9;
  up.constant = {false, true};
  expect_tensor_near(run1(make_node("Upsample"), {x, f32({2}, {2, 1.5f})}, up), f32({2, 3}, {1, 1, 2, 1, 1, 2}));
  RunOptions up7;
  up7.opset = 7;
  expect_tensor_near(run1(make_node("Upsample", {{"mode", attr_string("linear")}, {"scales", attr_floats({1, 2})}}), {x}, up7), f32({1, 4}, {1, 1.5f, 2, 2}));
  EXPECT_EQ(values(run1(make_node("Resize"), {i64({1, 2}, {5, 6}), absent(), f32({2}, {1, 2})}, kConstScales)), (std::vector<double>{5, 5, 6, 6}));
  EXPECT_EQ(error_kind([] { run1(make_node("Resize", {{"mode", attr_string("linear")}}), {i64({1, 2}, {5, 6}), absent(), f32({2}, {1, 2})}, kConstScales); }),
            ErrorKind::kUnsupported);
}

}  // namespace
}  // namespace ramiel::testing
