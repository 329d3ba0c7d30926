// Identity and inference Dropout: views, masks, training mode.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Identity, ViewAndCopy) {
  ir::Tensor x = i64({2}, {4, 5});
  EXPECT_EQ(values(run1(make_node("Identity"), {x})), (std::vector<double>{4, 5}));
  RunOptions alias;
  alias.alias_views = true;
  EXPECT_EQ(run1(make_node("Identity"), {x}, alias).raw(), x.raw());
}

TEST(Dropout, InferenceIsIdentityWithAllTrueMask) {
  ir::Tensor x = f32({3}, {1, 2, 3});
  auto out = run_node(make_node("Dropout", {}, 2), {x, f32({}, {0.7f})});
  expect_tensor_near(out[0], x);
  EXPECT_EQ(out[1].dtype(), ir::DataType::kBool);
  EXPECT_EQ(values(out[1]), (std::vector<double>{1, 1, 1}));
  RunOptions old;
  old.opset = 7;
  expect_tensor_near(run1(make_node("Dropout", {{"ratio", attr_float(0.3f)}}), {x}, old), x);
}

TEST(Dropout, TrainingModeIsUnsupportedUnlessRatioIsZero) {
  ir::Tensor x = f32({3}, {1, 2, 3});
  RunOptions constant;
  constant.constant = {false, true, true};
  EXPECT_EQ(error_kind([&] { run1(make_node("Dropout"), {x, f32({}, {0.5f}), boolean({}, {1})}, constant); }), ErrorKind::kUnsupported);
  expect_tensor_near(run1(make_node("Dropout"), {x, f32({}, {0.0f}), boolean({}, {1})}, constant), x);
  // A run-time training_mode is checked on every run (so the node is never skipped as a view).
  EXPECT_EQ(error_kind([&] { run1(make_node("Dropout"), {x, f32({}, {0.5f}), boolean({}, {1})}); }), ErrorKind::kUnsupported);
  expect_tensor_near(run1(make_node("Dropout"), {x, f32({}, {0.5f}), boolean({}, {0})}), x);
}

}  // namespace
}  // namespace ramiel::testing
