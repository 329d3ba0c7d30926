// NonMaxSuppression: IoU suppression, score threshold, max boxes, center-point boxes.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(NonMaxSuppression, SuppressesOverlaps) {
  // Boxes 0 and 1 overlap heavily; box 2 is apart.
  ir::Tensor boxes = f32({1, 3, 4}, {0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 10, 1, 11});
  ir::Tensor scores = f32({1, 1, 3}, {0.9f, 0.95f, 0.3f});
  ir::Tensor kept = run1(make_node("NonMaxSuppression"), {boxes, scores, i64({1}, {3}), f32({1}, {0.5f})});
  EXPECT_EQ(kept.dims(), (ir::Dims{2, 3}));
  EXPECT_EQ(values(kept), (std::vector<double>{0, 0, 1, 0, 0, 2}));
  EXPECT_EQ(run1(make_node("NonMaxSuppression"), {boxes, scores, i64({1}, {3}), f32({1}, {0.5f}), f32({1}, {0.5f})}).dims(), (ir::Dims{1, 3}));
  EXPECT_EQ(run1(make_node("NonMaxSuppression"), {boxes, scores}).dims(), (ir::Dims{0, 3})) << "max_output_boxes_per_class defaults to 0";
  ir::Tensor centers = f32({1, 3, 4}, {0.5f, 0.5f, 1, 1, 0.6f, 0.5f, 1, 1, 10.5f, 0.5f, 1, 1});
  EXPECT_EQ(values(run1(make_node("NonMaxSuppression", {{"center_point_box", attr_int(1)}}), {centers, scores, i64({1}, {1}), f32({1}, {0.5f})})),
            (std::vector<double>{0, 0, 1}));
}

TEST(Det, LuWithPivoting) {
  expect_tensor_near(run1(make_node("Det"), {f32({2, 2}, {1, 2, 3, 4})}), f32({}, {-2}));
  expect_tensor_near(run1(make_node("Det"), {f32({2, 3, 3}, {0, 1, 0, 1, 0, 0, 0, 0, 1, 2, 0, 0, 0, 3, 0, 0, 0, 4})}), f32({2}, {-1, 24}));
  expect_tensor_near(run1(make_node("Det"), {f32({2, 2}, {1, 2, 2, 4})}), f32({}, {0}));
}

TEST(GridSample, BilinearNearestAndPadding) {
  ir::Tensor x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  // With align_corners the grid corners hit the pixel centres.
  ir::Tensor grid = f32({1, 1, 3, 2}, {-1, -1, 1, 1, 0, 0});
  expect_tensor_near(run1(make_node("GridSample", {{"align_corners", attr_int(1)}}), {x, grid}), f32({1, 1, 1, 3}, {1, 4, 2.5f}));
  // Without it, corners are pixel edges: bilinear against zero padding gives a quarter.
  expect_tensor_near(run1(make_node("GridSample"), {x, grid}), f32({1, 1, 1, 3}, {0.25f, 1, 2.5f}));
  expect_tensor_near(run1(make_node("GridSample", {{"padding_mode", attr_string("border")}}), {x, grid}), f32({1, 1, 1, 3}, {1, 4, 2.5f}));
  expect_tensor_near(run1(make_node("GridSample", {{"mode", attr_string("nearest")}, {"align_corners", attr_int(1)}}), {x, f32({1, 1, 1, 2}, {0.9f, -0.9f})}),
                     f32({1, 1, 1, 1}, {2}));
}

}  // namespace
}  // namespace ramiel::testing
