// Gemm and MatMul against naive loops: transposes, alpha/beta, every C broadcast, constant and
// runtime operands; MatMul batch broadcasting and 1-D operands.
#include <algorithm>

#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

ir::Tensor reference_gemm(const ir::Tensor& a, const ir::Tensor& b, const ir::Tensor* c, bool ta, bool tb, float alpha,
                          float beta) {
  const int64_t m = ta ? a.dims()[1] : a.dims()[0], k = ta ? a.dims()[0] : a.dims()[1];
  const int64_t n = tb ? b.dims()[0] : b.dims()[1];
  ir::Tensor y(ir::DataType::kFloat32, {m, n});
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int64_t p = 0; p < k; ++p) {
        double av = a.data<float>()[ta ? p * m + i : i * k + p], bv = b.data<float>()[tb ? j * k + p : p * n + j];
        acc += av * bv;
      }
      double cv = c ? c->data<float>()[broadcast_index({i, j}, c->dims())] : 0.0;
      y.data<float>()[i * n + j] = static_cast<float>(alpha * acc + beta * cv);
    }
  }
  return y;
}

TEST(Gemm, RandomTransposesScalesAndBiasShapes) {
  std::mt19937 rng(21);
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (int iter = 0; iter < 80; ++iter) {
    const int64_t m = pick(1, 17), n = pick(1, 19), k = pick(1, 23);
    const bool ta = pick(0, 1), tb = pick(0, 1);
    const float alpha = iter % 3 == 0 ? 1.0f : static_cast<float>(pick(-20, 20)) / 8.0f;
    const float beta = iter % 4 == 0 ? 1.0f : static_cast<float>(pick(-20, 20)) / 8.0f;
    ir::Tensor a = random_f32(ta ? ir::Dims{k, m} : ir::Dims{m, k}, rng);
    ir::Tensor b = random_f32(tb ? ir::Dims{n, k} : ir::Dims{k, n}, rng);
    const ir::Dims c_shapes[] = {{}, {n}, {1, n}, {m, 1}, {m, n}, {1}, {1, 1}};
    const int c_kind = static_cast<int>(pick(-1, 6));
    ir::Tensor c = c_kind >= 0 ? random_f32(c_shapes[c_kind], rng) : absent();
    ir::Node node = make_node("Gemm", {{"transA", attr_int(ta)}, {"transB", attr_int(tb)}, {"alpha", attr_float(alpha)},
                                       {"beta", attr_float(beta)}});
    RunOptions o;
    o.constant = {iter % 5 == 0, iter % 2 == 0, iter % 3 != 0};
    std::vector<ir::Tensor> inputs = {a, b};
    if (c_kind >= 0 || iter % 2) inputs.push_back(c);
    SCOPED_TRACE("m " + std::to_string(m) + " n " + std::to_string(n) + " k " + std::to_string(k) + " ta " +
                 std::to_string(ta) + " tb " + std::to_string(tb) + " alpha " + std::to_string(alpha) + " beta " +
                 std::to_string(beta) + " c " + (c_kind >= 0 ? ir::to_string(c_shapes[c_kind]) : "none"));
    expect_tensor_near(run1(node, inputs, o), reference_gemm(a, b, c_kind >= 0 ? &c : nullptr, ta, tb, alpha, beta), 1e-4, 1e-4);
  }
}

TEST(Gemm, LargeConstantWeights) {
  std::mt19937 rng(2);
  ir::Tensor a = random_f32({64, 96}, rng), b = random_f32({200, 96}, rng), c = random_f32({200}, rng);
  RunOptions o;
  o.constant = {false, true, true};
  ir::Node node = make_node("Gemm", {{"transB", attr_int(1)}});
  expect_tensor_near(run1(node, {a, b, c}, o), reference_gemm(a, b, &c, false, true, 1.0f, 1.0f), 1e-4, 1e-3);
}

// Column slices in blocks of 16: every transpose, alpha/beta, C shape and constant-ness, 2-4 slices
// of 35-70 columns (the last slice takes the remainder), against the reference; too few columns
// for the slices is kUnsupported.
TEST(Gemm, ColumnSlicesComputeTheWholeProduct) {
  std::mt19937 rng(23);
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (int iter = 0; iter < 40; ++iter) {
    const int64_t m = pick(1, 5), n = pick(35, 70), k = pick(1, 40);
    const bool ta = pick(0, 1), tb = pick(0, 1);
    const float alpha = iter % 3 == 0 ? 1.0f : 0.75f, beta = iter % 4 == 0 ? 1.0f : -1.25f;
    ir::Tensor a = random_f32(ta ? ir::Dims{k, m} : ir::Dims{m, k}, rng);
    ir::Tensor b = random_f32(tb ? ir::Dims{n, k} : ir::Dims{k, n}, rng);
    const ir::Dims c_shapes[] = {{n}, {1, n}, {m, 1}, {m, n}, {1}};
    const int c_kind = static_cast<int>(pick(0, 4));
    ir::Tensor c = random_f32(c_shapes[c_kind], rng);
    ir::Node node = make_node("Gemm", {{"transA", attr_int(ta)}, {"transB", attr_int(tb)}, {"alpha", attr_float(alpha)},
                                       {"beta", attr_float(beta)}});
    RunOptions o;
    o.constant = {false, iter % 2 == 0, iter % 3 != 0};
    const int count = static_cast<int>(std::min<int64_t>(pick(2, 4), n / 16));
    SCOPED_TRACE("m " + std::to_string(m) + " n " + std::to_string(n) + " k " + std::to_string(k) + " ta " + std::to_string(ta) +
                 " tb " + std::to_string(tb) + " c " + ir::to_string(c_shapes[c_kind]) + " slices " + std::to_string(count));
    expect_tensor_near(run_slices(node, {a, b, c}, o, count), reference_gemm(a, b, &c, ta, tb, alpha, beta), 1e-4, 1e-4);
  }
  ir::Tensor a = random_f32({1, 8}, rng), b = random_f32({8, 40}, rng);
  EXPECT_EQ(error_kind([&] { run_slices(make_node("Gemm"), {a, b}, {}, 3); }), ErrorKind::kUnsupported);  // 2 blocks of 16
}

// A sliced classifier (a plan's Gemm split by columns) gives the bits of the whole kernel: one or
// a few rows, B constant (packed) or not and either way round, C constant or not, alpha.
TEST(Gemm, ColumnSlicesGiveTheWholeKernelsBits) {
  std::mt19937 rng(5);
  for (int iter = 0; iter < 16; ++iter) {
    const int64_t m = iter % 2 ? 3 : 1, k = iter % 4 < 2 ? 1280 : 2048, n = 1000;
    const bool tb = iter % 8 < 4, constant_b = iter < 8, constant_c = iter % 3 != 0;
    const float alpha = iter % 5 == 0 ? 0.5f : 1.0f;
    ir::Tensor a = random_f32({m, k}, rng), b = random_f32(tb ? ir::Dims{n, k} : ir::Dims{k, n}, rng);
    ir::Tensor c = random_f32(constant_c ? ir::Dims{n} : ir::Dims{m, n}, rng);
    RunOptions o;
    o.constant = {false, constant_b, constant_c};
    ir::Node node = make_node("Gemm", {{"transB", attr_int(tb)}, {"alpha", attr_float(alpha)}});
    const ir::Tensor whole = run1(node, {a, b, c}, o);
    for (int count : {2, 4}) {
      SCOPED_TRACE("m " + std::to_string(m) + " k " + std::to_string(k) + " transB " + std::to_string(tb) + " constant B " +
                   std::to_string(constant_b) + " constant C " + std::to_string(constant_c) + " slices " + std::to_string(count));
      expect_same_bits(run_slices(node, {a, b, c}, o, count), whole);
    }
  }
}

TEST(Gemm, Errors) {
  ir::Tensor a(ir::DataType::kFloat32, {2, 3}), b(ir::DataType::kFloat32, {4, 5});
  EXPECT_EQ(error_kind([&] { infos_of(make_node("Gemm"), {a, b}); }), ErrorKind::kInvalidModel);
  EXPECT_EQ(error_kind([&] { infos_of(make_node("Gemm"), {a, ir::Tensor(ir::DataType::kFloat32, {3, 4}), ir::Tensor(ir::DataType::kFloat32, {3})}); }),
            ErrorKind::kInvalidModel);
  EXPECT_EQ(error_kind([&] { infos_of(make_node("Gemm"), {ir::Tensor(ir::DataType::kInt64, {2, 3}), ir::Tensor(ir::DataType::kInt64, {3, 4})}); }),
            ErrorKind::kUnsupported);
}

// numpy matmul on plain tensors.
ir::Tensor reference_matmul(const ir::Tensor& a, const ir::Tensor& b) {
  ir::Dims ad = a.dims(), bd = b.dims();
  if (ad.size() == 1) ad.insert(ad.begin(), 1);
  if (bd.size() == 1) bd.push_back(1);
  const size_t rank = std::max(ad.size(), bd.size());
  while (ad.size() < rank) ad.insert(ad.begin(), 1);
  while (bd.size() < rank) bd.insert(bd.begin(), 1);
  const int64_t m = ad[rank - 2], k = ad[rank - 1], n = bd[rank - 1];
  ir::Dims yd(rank);
  for (size_t i = 0; i + 2 < rank; ++i) yd[i] = std::max(ad[i], bd[i]);
  yd[rank - 2] = m;
  yd[rank - 1] = n;
  ir::Tensor y(ir::DataType::kFloat32, yd);
  for (int64_t yi = 0; yi < y.size(); ++yi) {
    auto idx = unravel(yi, yd);
    double acc = 0;
    for (int64_t p = 0; p < k; ++p) {
      auto ai = idx, bi = idx;
      ai[rank - 1] = p;
      bi[rank - 2] = p;
      acc += static_cast<double>(a.data<float>()[broadcast_index(ai, ad)]) * b.data<float>()[broadcast_index(bi, bd)];
    }
    y.data<float>()[yi] = static_cast<float>(acc);
  }
  ir::Dims out = yd;
  if (a.dims().size() == 1) out.erase(out.end() - 2);
  if (b.dims().size() == 1) out.erase(out.end() - 1);
  return y.reshaped(out);
}

TEST(MatMul, RandomBroadcastingAndVectors) {
  std::mt19937 rng(31);
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (int iter = 0; iter < 80; ++iter) {
    const int64_t m = pick(1, 9), n = pick(1, 11), k = pick(1, 13);
    const size_t batch_rank = static_cast<size_t>(pick(0, 2));
    ir::Dims batch_a, batch_b;
    for (size_t i = 0; i < batch_rank; ++i) {
      int64_t d = pick(1, 4);
      batch_a.push_back(pick(0, 2) == 0 ? 1 : d);
      batch_b.push_back(pick(0, 2) == 0 ? 1 : d);
    }
    // Drop leading batch dims on one side sometimes (rank broadcasting).
    if (!batch_a.empty() && pick(0, 2) == 0) batch_a.erase(batch_a.begin());
    if (!batch_b.empty() && pick(0, 2) == 0) batch_b.erase(batch_b.begin());
    ir::Dims ad = batch_a, bd = batch_b;
    const int vec = static_cast<int>(pick(0, 5));  // 0: A is 1-D, 1: B is 1-D
    if (vec == 0) {
      ad = {k};
    } else {
      ad.push_back(m);
      ad.push_back(k);
    }
    if (vec == 1) {
      bd = {k};
    } else {
      bd.push_back(k);
      bd.push_back(n);
    }
    ir::Tensor a = random_f32(ad, rng), b = random_f32(bd, rng);
    RunOptions o;
    o.constant = {false, iter % 2 == 0};
    SCOPED_TRACE("A " + ir::to_string(ad) + " B " + ir::to_string(bd));
    expect_tensor_near(run1(make_node("MatMul"), {a, b}, o), reference_matmul(a, b), 1e-4, 1e-4);
  }
}

TEST(MatMul, BertShapes) {
  std::mt19937 rng(4);
  RunOptions constant_b;
  constant_b.constant = {false, true};
  ir::Tensor x = random_f32({1, 16, 48}, rng), w = random_f32({48, 96}, rng);
  expect_tensor_near(run1(make_node("MatMul"), {x, w}, constant_b), reference_matmul(x, w), 1e-4, 1e-4);
  ir::Tensor q = random_f32({1, 4, 16, 8}, rng), kt = random_f32({1, 4, 8, 16}, rng);
  expect_tensor_near(run1(make_node("MatMul"), {q, kt}), reference_matmul(q, kt), 1e-4, 1e-4);
}

// Column slices of BERT's projections (a plan's MatMul split by columns) give the bits of the
// whole kernel: many rows or one, constant (packed) or runtime weights.
TEST(MatMul, ColumnSlicesGiveTheWholeKernelsBits) {
  std::mt19937 rng(6);
  for (int iter = 0; iter < 6; ++iter) {
    const int64_t m = iter % 3 == 0 ? 1 : iter % 3 == 1 ? 24 : 128, n = iter < 3 ? 768 : 1000;
    const bool constant_b = iter % 2 == 0;
    ir::Tensor a = random_f32({1, m, 768}, rng), b = random_f32({768, n}, rng);
    RunOptions o;
    o.constant = {false, constant_b};
    const ir::Tensor whole = run1(make_node("MatMul"), {a, b}, o);
    for (int count : {2, 4}) {
      SCOPED_TRACE("m " + std::to_string(m) + " n " + std::to_string(n) + " constant B " + std::to_string(constant_b) + " slices " +
                   std::to_string(count));
      expect_same_bits(run_slices(make_node("MatMul"), {a, b}, o, count), whole);
    }
  }
}

TEST(MatMul, Errors) {
  EXPECT_EQ(error_kind([] { infos_of(make_node("MatMul"), {ir::Tensor(ir::DataType::kFloat32, {2, 3}), ir::Tensor(ir::DataType::kFloat32, {4, 5})}); }),
            ErrorKind::kInvalidModel);
  EXPECT_EQ(error_kind([] { infos_of(make_node("MatMul"), {ir::Tensor(ir::DataType::kFloat32, {2, 2, 3}), ir::Tensor(ir::DataType::kFloat32, {3, 3, 4})}); }),
            ErrorKind::kInvalidModel);
  EXPECT_EQ(infos_of(make_node("MatMul"), {ir::Tensor(ir::DataType::kFloat32, {3}), ir::Tensor(ir::DataType::kFloat32, {2, 3, 4})}).at(0).dims,
            (ir::Dims{2, 4}));
}

}  // namespace
}  // namespace ramiel::testing
