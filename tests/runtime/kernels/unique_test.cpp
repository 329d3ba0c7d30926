// Unique: sorted and unsorted, along an axis, all four outputs.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Unique, SortedAndUnsorted) {
  ir::Tensor x = f32({6}, {2, 1, 1, 3, 4, 3});
  auto s = run_node(make_node("Unique", {}, 4), {x});
  expect_tensor_near(s[0], f32({4}, {1, 2, 3, 4}));
  EXPECT_EQ(values(s[1]), (std::vector<double>{1, 0, 3, 4}));
  EXPECT_EQ(values(s[2]), (std::vector<double>{1, 0, 0, 2, 3, 2}));
  EXPECT_EQ(values(s[3]), (std::vector<double>{2, 1, 2, 1}));
  auto u = run_node(make_node("Unique", {{"sorted", attr_int(0)}}, 4), {x});
  expect_tensor_near(u[0], f32({4}, {2, 1, 3, 4}));
  EXPECT_EQ(values(u[1]), (std::vector<double>{0, 1, 3, 4}));
  EXPECT_EQ(values(u[2]), (std::vector<double>{0, 1, 1, 2, 3, 2}));
  EXPECT_EQ(values(u[3]), (std::vector<double>{1, 2, 2, 1}));
}

TEST(Unique, AlongAnAxis) {
  ir::Tensor x = i64({3, 2}, {1, 1, 0, 1, 1, 1});
  auto r = run_node(make_node("Unique", {{"axis", attr_int(0)}}, 4), {x});
  EXPECT_EQ(r[0].dims(), (ir::Dims{2, 2}));
  EXPECT_EQ(values(r[0]), (std::vector<double>{0, 1, 1, 1}));
  EXPECT_EQ(values(r[2]), (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(values(r[3]), (std::vector<double>{1, 2}));
}

}  // namespace
}  // namespace ramiel::testing
