// Transpose against a naive reference for every permutation of rank 4, and the default perm.
#include <algorithm>
#include <cstring>
#include <utility>

#include "runtime/kernels/kernel_test_support.h"
#include "runtime/kernels/kernel_util.h"

namespace ramiel::testing {
namespace {

TEST(Transpose, EveryPermutationOfRank4) {
  std::mt19937 rng(5);
  const ir::Dims dims = {2, 3, 1, 4};
  ir::Tensor x = random_f32(dims, rng);
  std::vector<int64_t> perm = {0, 1, 2, 3};
  do {
    ir::Dims out(4);
    for (size_t k = 0; k < 4; ++k) out[k] = dims[static_cast<size_t>(perm[k])];
    ir::Tensor want(ir::DataType::kFloat32, out);
    for (int64_t i = 0; i < want.size(); ++i) {
      auto o = unravel(i, out);
      std::vector<int64_t> in(4);
      for (size_t k = 0; k < 4; ++k) in[static_cast<size_t>(perm[k])] = o[k];
      want.data<float>()[i] = x.data<float>()[((in[0] * 3 + in[1]) * 1 + in[2]) * 4 + in[3]];
    }
    expect_tensor_near(run1(make_node("Transpose", {{"perm", attr_ints(perm)}}), {x}), want);
  } while (std::next_permutation(perm.begin(), perm.end()));
}

// Large copies split their rows over the threads they are given: the bits of one thread, for
// BERT's head transposes (contiguous 64-float rows, and rows gathered with a stride) and an odd
// row count that does not divide evenly.
TEST(Transpose, ThreadsGiveTheBitsOfOne) {
  std::mt19937 rng(7);
  for (const auto& [dims, perm] : {std::pair{ir::Dims{1, 128, 12, 64}, std::vector<int64_t>{0, 2, 1, 3}},
                                   std::pair{ir::Dims{1, 128, 12, 64}, std::vector<int64_t>{0, 2, 3, 1}},
                                   std::pair{ir::Dims{7, 131, 73}, std::vector<int64_t>{2, 0, 1}}}) {
    const ir::Tensor x = random_f32(dims, rng);
    const ir::Node node = make_node("Transpose", {{"perm", attr_ints(perm)}});
    const ir::Tensor one = run1(node, {x});
    ASSERT_GE(one.size(), runtime::kParallelCopyMinElements);
    for (int threads : {2, 3}) {
      RunOptions options;
      options.threads = threads;
      const ir::Tensor many = run1(node, {x}, options);
      ASSERT_EQ(many.dims(), one.dims());
      EXPECT_EQ(std::memcmp(many.raw(), one.raw(), one.byte_size()), 0) << ir::to_string(dims) << " on " << threads << " threads";
    }
  }
}

TEST(Transpose, DefaultReversesAndErrors) {
  expect_tensor_near(run1(make_node("Transpose"), {f32({2, 3}, {1, 2, 3, 4, 5, 6})}), f32({3, 2}, {1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(values(run1(make_node("Transpose"), {i64({2, 1}, {7, 8})})), (std::vector<double>{7, 8}));
  EXPECT_EQ(error_kind([] { run1(make_node("Transpose", {{"perm", attr_ints({0, 0})}}), {f32({1, 1}, {1})}); }), ErrorKind::kInvalidModel);
}

}  // namespace
}  // namespace ramiel::testing
