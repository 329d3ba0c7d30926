// Constant (every value attribute) and ConstantOfShape.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Constant, EveryValueAttribute) {
  EXPECT_EQ(values(run1(make_node("Constant", {{"value", attr_tensor(i64({2}, {3, 4}))}}), {})), (std::vector<double>{3, 4}));
  ir::Tensor f = run1(make_node("Constant", {{"value_float", attr_float(2.5f)}}), {});
  EXPECT_EQ(f.dims(), ir::Dims{});
  EXPECT_EQ(values(f), (std::vector<double>{2.5}));
  EXPECT_EQ(values(run1(make_node("Constant", {{"value_floats", attr_floats({1, 2})}}), {})), (std::vector<double>{1, 2}));
  ir::Tensor i = run1(make_node("Constant", {{"value_int", attr_int(7)}}), {});
  EXPECT_EQ(i.dtype(), ir::DataType::kInt64);
  EXPECT_EQ(values(run1(make_node("Constant", {{"value_ints", attr_ints({5, 6, 7})}}), {})), (std::vector<double>{5, 6, 7}));
  EXPECT_NE(infos_of(make_node("Constant", {{"value_int", attr_int(7)}}), {})[0].constant, nullptr);
  EXPECT_EQ(error_kind([] { run1(make_node("Constant", {{"value_string", attr_string("x")}}), {}); }), ErrorKind::kUnsupported);
  EXPECT_EQ(error_kind([] { run1(make_node("Constant"), {}); }), ErrorKind::kInvalidModel);
}

TEST(ConstantOfShape, FillsConstantAndRunTimeShapes) {
  ir::Tensor z = run1(make_node("ConstantOfShape"), {i64({2}, {2, 3})});
  EXPECT_EQ(z.dtype(), ir::DataType::kFloat32);
  EXPECT_EQ(values(z), std::vector<double>(6, 0.0));
  RunOptions constant;
  constant.constant = {true};
  ir::Tensor v = run1(make_node("ConstantOfShape", {{"value", attr_tensor(i64({1}, {-3}))}}), {i64({1}, {3})}, constant);
  EXPECT_EQ(values(v), (std::vector<double>{-3, -3, -3}));
  EXPECT_EQ(run1(make_node("ConstantOfShape"), {i64({2}, {0, 4})}).size(), 0);
  EXPECT_EQ(run1(make_node("ConstantOfShape"), {i64({0}, {})}).dims(), ir::Dims{});
}

}  // namespace
}  // namespace ramiel::testing
