// The shared kernel helpers: broadcast loops, strided copies and deferred creation for
// dynamically shaped inputs.
#include "runtime/kernels/kernel_test_support.h"
#include "runtime/kernels/kernel_util.h"

namespace ramiel::testing {
namespace {

TEST(BroadcastLoop, MergesContiguousDims) {
  runtime::BroadcastLoop<2> same({ir::Dims{2, 3, 4}, ir::Dims{2, 3, 4}}, {2, 3, 4});
  EXPECT_TRUE(same.flat());
  int runs = 0;
  runtime::BroadcastLoop<2> bias({ir::Dims{1, 128, 768}, ir::Dims{768}}, {1, 128, 768});
  bias.for_each([&](const std::array<int64_t, 2>& off, int64_t out, int64_t n, const std::array<int64_t, 2>& s) {
    EXPECT_EQ(n, 768);
    EXPECT_EQ(off[0], out);
    EXPECT_EQ(off[1], 0);
    EXPECT_EQ(s[0], 1);
    EXPECT_EQ(s[1], 1);
    ++runs;
  });
  EXPECT_EQ(runs, 128);
  runtime::BroadcastLoop<2> empty({ir::Dims{0, 3}, ir::Dims{3}}, {0, 3});
  empty.for_each([&](auto&&...) { FAIL(); });
}

TEST(StridedCopy, NegativeAndZeroStrides) {
  std::vector<int32_t> src = {0, 1, 2, 3, 4, 5};
  std::vector<int32_t> dst(6);
  runtime::StridedCopy reverse({2, 3}, {3, -1}, 2, 4);
  reverse.run(src.data(), dst.data());
  EXPECT_EQ(dst, (std::vector<int32_t>{2, 1, 0, 5, 4, 3}));
  runtime::StridedCopy bcast({3, 2}, {1, 0}, 0, 4);
  bcast.run(src.data(), dst.data());
  EXPECT_EQ(dst, (std::vector<int32_t>{0, 0, 1, 1, 2, 2}));
}

TEST(DeferredKernel, CreatesTheRealKernelFromRunTimeDims) {
  ir::Node node = make_node("Add");
  runtime::KernelInit init{node, {}, 13, 1};
  runtime::TensorInfo dynamic{ir::DataType::kFloat32, {}};
  dynamic.dynamic = true;
  init.inputs = {dynamic, {ir::DataType::kFloat32, {1}}};
  auto kernel = runtime::find_kernel("Add", "")(init);
  ASSERT_TRUE(kernel->output_infos()[0].dynamic);
  EXPECT_EQ(kernel->output_infos()[0].dtype, ir::DataType::kFloat32);
  EXPECT_EQ(kernel->view_of_input(0), -1);
  for (int64_t n : {3, 3, 5}) {
    std::vector<ir::Tensor> in = {f32({n}, std::vector<float>(static_cast<size_t>(n), 1.0f)), f32({1}, {2})};
    std::vector<ir::Tensor> out(1);
    kernel->run(in, out);
    expect_tensor_near(out[0], f32({n}, std::vector<float>(static_cast<size_t>(n), 3.0f)));
  }
  // A view kernel behind a dynamic input copies into a fresh tensor.
  ir::Node reshape = make_node("Reshape");
  ir::Tensor shape = i64({1}, {-1});
  runtime::KernelInit rinit{reshape, {dynamic, {ir::DataType::kInt64, {1}, false, &shape}}, 13, 1};
  auto rk = runtime::find_kernel("Reshape", "")(rinit);
  std::vector<ir::Tensor> rin = {f32({2, 2}, {1, 2, 3, 4}), shape};
  std::vector<ir::Tensor> rout(1);
  rk->run(rin, rout);
  expect_tensor_near(rout[0], f32({4}, {1, 2, 3, 4}));
  EXPECT_NE(rout[0].raw(), rin[0].raw());
}

}  // namespace
}  // namespace ramiel::testing
