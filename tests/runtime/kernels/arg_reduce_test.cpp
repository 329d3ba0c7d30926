// ArgMax / ArgMin: axes, keepdims, select_last_index.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(ArgReduce, AxesKeepdimsAndTies) {
  ir::Tensor x = f32({2, 3}, {1, 5, 5, 7, 0, 7});
  ir::Tensor a = run1(make_node("ArgMax", {{"axis", attr_int(1)}}), {x});
  EXPECT_EQ(a.dtype(), ir::DataType::kInt64);
  EXPECT_EQ(a.dims(), (ir::Dims{2, 1}));
  EXPECT_EQ(values(a), (std::vector<double>{1, 0}));
  EXPECT_EQ(values(run1(make_node("ArgMax", {{"axis", attr_int(-1)}, {"select_last_index", attr_int(1)}}), {x})), (std::vector<double>{2, 2}));
  ir::Tensor m = run1(make_node("ArgMin", {{"axis", attr_int(0)}, {"keepdims", attr_int(0)}}), {x});
  EXPECT_EQ(m.dims(), (ir::Dims{3}));
  EXPECT_EQ(values(m), (std::vector<double>{0, 1, 0}));
  EXPECT_EQ(values(run1(make_node("ArgMin"), {i64({3}, {4, -2, -2})})), (std::vector<double>{1}));
}

}  // namespace
}  // namespace ramiel::testing
