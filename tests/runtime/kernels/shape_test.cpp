// Shape (start/end) and Size: values known at creation, offered as constant outputs.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

TEST(Shape, StartEndAndConstantOutput) {
  ir::Tensor x = f32({2, 3, 4}, std::vector<float>(24, 0.0f));
  EXPECT_EQ(values(run1(make_node("Shape"), {x})), (std::vector<double>{2, 3, 4}));
  EXPECT_EQ(values(run1(make_node("Shape", {{"start", attr_int(-2)}}), {x})), (std::vector<double>{3, 4}));
  EXPECT_EQ(values(run1(make_node("Shape", {{"start", attr_int(1)}, {"end", attr_int(-1)}}), {x})), (std::vector<double>{3}));
  EXPECT_EQ(run1(make_node("Shape", {{"start", attr_int(5)}}), {x}).dims(), (ir::Dims{0}));
  ir::Node node = make_node("Shape");
  runtime::KernelInit init{node, {{ir::DataType::kFloat32, {2, 3, 4}}}, 15, 1};
  auto kernel = runtime::find_kernel("Shape", "")(init);
  const runtime::TensorInfo& info = kernel->output_infos()[0];
  ASSERT_NE(info.constant, nullptr) << "the session can fold Shape of a non-constant input";
  EXPECT_EQ(values(*info.constant), (std::vector<double>{2, 3, 4}));
}

TEST(Size, CountsElements) {
  ir::Tensor s = run1(make_node("Size"), {f32({2, 3}, std::vector<float>(6, 0.0f))});
  EXPECT_EQ(s.dims(), ir::Dims{});
  EXPECT_EQ(values(s), (std::vector<double>{6}));
  EXPECT_EQ(values(run1(make_node("Size"), {f32({0, 3}, {})})), (std::vector<double>{0}));
}

}  // namespace
}  // namespace ramiel::testing
