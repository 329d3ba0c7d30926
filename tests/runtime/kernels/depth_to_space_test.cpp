// DepthToSpace (DCR, CRD) and SpaceToDepth, which invert each other.
#include <numeric>

#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(DepthToSpace, ModesAndInverse) {
  std::vector<float> v(8);
  std::iota(v.begin(), v.end(), 0.0f);
  ir::Tensor x = f32({1, 8, 1, 1}, v);
  expect_tensor_near(run1(make_node("DepthToSpace", {{"blocksize", attr_int(2)}}), {x}), f32({1, 2, 2, 2}, {0, 2, 4, 6, 1, 3, 5, 7}));
  expect_tensor_near(run1(make_node("DepthToSpace", {{"blocksize", attr_int(2)}, {"mode", attr_string("CRD")}}), {x}), f32({1, 2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7}));
  std::mt19937 rng(9);
  ir::Tensor y = random_f32({2, 3, 4, 6}, rng);
  ir::Tensor packed = run1(make_node("SpaceToDepth", {{"blocksize", attr_int(2)}}), {y});
  EXPECT_EQ(packed.dims(), (ir::Dims{2, 12, 2, 3}));
  expect_tensor_near(run1(make_node("DepthToSpace", {{"blocksize", attr_int(2)}}), {packed}), y);
}

TEST(Compress, AxisFlattenedAndRunTimeCondition) {
  ir::Tensor x = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  RunOptions constant;
  constant.constant = {false, true};
  expect_tensor_near(run1(make_node("Compress", {{"axis", attr_int(0)}}), {x, boolean({2}, {0, 1})}, constant), f32({1, 2}, {3, 4}));
  expect_tensor_near(run1(make_node("Compress", {{"axis", attr_int(-1)}}), {x, boolean({2}, {1, 0})}), f32({3, 1}, {1, 3, 5}));
  expect_tensor_near(run1(make_node("Compress"), {x, boolean({5}, {0, 1, 0, 0, 1})}), f32({2}, {2, 5}));
}

}  // namespace
}  // namespace ramiel::testing
