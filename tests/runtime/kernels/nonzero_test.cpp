// NonZero: coordinates in row-major order, dynamic output.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(NonZero, Coordinates) {
  ir::Tensor y = run1(make_node("NonZero"), {f32({2, 2}, {1, 0, 1, 1})});
  EXPECT_EQ(y.dims(), (ir::Dims{2, 3}));
  EXPECT_EQ(values(y), (std::vector<double>{0, 1, 1, 0, 0, 1}));
  EXPECT_EQ(run1(make_node("NonZero"), {boolean({3}, {0, 0, 0})}).dims(), (ir::Dims{1, 0}));
  EXPECT_TRUE(infos_of(make_node("NonZero"), {i64({1}, {1})})[0].dynamic);
}

}  // namespace
}  // namespace ramiel::testing
