// BatchNormalization (inference), LRN, Softmax and LogSoftmax against naive loops.
#include "runtime/kernels/layout_test_support.h"

namespace ramiel::testing {
namespace {

TEST(BatchNormalization, RandomShapesAndLayouts) {
  std::mt19937 rng(61);
  for (const ir::Dims& d : {ir::Dims{1, 5, 4, 3}, ir::Dims{2, 16, 7, 7}, ir::Dims{3, 4}, ir::Dims{1, 3, 8}, ir::Dims{1, 2, 3, 4, 5}}) {
    const int64_t c = d[1];
    ir::Tensor x = random_f32(d, rng), scale = random_f32({c}, rng), bias = random_f32({c}, rng),
               mean = random_f32({c}, rng), var = random_f32({c}, rng, 0.1f, 2.0f);
    const float eps = 1e-3f;
    ir::Tensor want(ir::DataType::kFloat32, d);
    const int64_t inner = x.size() / (d[0] * c);
    for (int64_t i = 0; i < x.size(); ++i) {
      int64_t ch = (i / inner) % c;
      want.data<float>()[i] = static_cast<float>((x.data<float>()[i] - mean.data<float>()[ch]) /
                                                     std::sqrt(var.data<float>()[ch] + eps) * scale.data<float>()[ch] +
                                                 bias.data<float>()[ch]);
    }
    for (runtime::Layout l : {runtime::Layout::kPlain, runtime::Layout::kNhwc, runtime::Layout::kNChw8c, runtime::Layout::kNChw16c}) {
      if (!runtime::layout_valid(d, l)) continue;
      for (bool constant : {false, true}) {
        LayoutOptions o;
        o.input = o.output = l;
        o.constant = {false, constant, constant, constant, constant};
        expect_tensor_near(run_with_layout(make_node("BatchNormalization", {{"epsilon", attr_float(eps)}}),
                                           {x, scale, bias, mean, var}, o),
                           want, 1e-5, 1e-5);
      }
    }
  }
}

TEST(BatchNormalization, TrainingIsUnsupported) {
  ir::Tensor x(ir::DataType::kFloat32, {1, 2, 3, 3}), p(ir::DataType::kFloat32, {2});
  EXPECT_EQ(error_kind([&] { infos_of(make_node("BatchNormalization", {{"training_mode", attr_int(1)}}), {x, p, p, p, p}); }),
            ErrorKind::kUnsupported);
  EXPECT_EQ(error_kind([&] { infos_of(make_node("BatchNormalization", {}, 3), {x, p, p, p, p}); }), ErrorKind::kUnsupported);
  EXPECT_EQ(error_kind([&] { infos_of(make_node("BatchNormalization"), {x, p, p, p, ir::Tensor(ir::DataType::kFloat32, {3})}); }),
            ErrorKind::kInvalidModel);
}

TEST(LRN, OddAndEvenSizesAllLayouts) {
  std::mt19937 rng(67);
  for (int64_t size : {1, 2, 3, 4, 5}) {
    ir::Dims d = {2, size % 2 ? 7 : 16, 4, 5};
    ir::Tensor x = random_f32(d, rng);
    const float alpha = 2e-3f, beta = 0.6f, bias = 1.5f;
    ir::Tensor want(ir::DataType::kFloat32, d);
    for (int64_t i = 0; i < x.size(); ++i) {
      auto idx = unravel(i, d);
      double sum = 0;
      for (int64_t j = std::max<int64_t>(0, idx[1] - (size - 1) / 2); j <= std::min<int64_t>(d[1] - 1, idx[1] + size / 2); ++j) {
        double v = x.data<float>()[((idx[0] * d[1] + j) * d[2] + idx[2]) * d[3] + idx[3]];
        sum += v * v;
      }
      want.data<float>()[i] = static_cast<float>(x.data<float>()[i] / std::pow(bias + alpha / static_cast<double>(size) * sum, beta));
    }
    for (runtime::Layout l : {runtime::Layout::kPlain, runtime::Layout::kNhwc, runtime::Layout::kNChw8c, runtime::Layout::kNChw16c}) {
      if (!runtime::layout_valid(d, l)) continue;
      LayoutOptions o;
      o.input = o.output = l;
      SCOPED_TRACE("size " + std::to_string(size));
      expect_tensor_near(run_with_layout(make_node("LRN", {{"size", attr_int(size)}, {"alpha", attr_float(alpha)},
                                                           {"beta", attr_float(beta)}, {"bias", attr_float(bias)}}),
                                         {x}, o),
                         want, 1e-5, 1e-6);
    }
  }
}

// Softmax over `axis` (opset 13) or over the flattened dims from `axis` (before opset 13).
ir::Tensor reference_softmax(const ir::Tensor& x, int64_t axis, bool coerce, bool log) {
  const ir::Dims& d = x.dims();
  const int64_t rank = static_cast<int64_t>(d.size());
  if (axis < 0) axis += rank;
  int64_t outer = 1, len = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t v = d[static_cast<size_t>(i)];
    if (i < axis) outer *= v;
    else if (i == axis || coerce) len *= v;
    else inner *= v;
  }
  ir::Tensor y(ir::DataType::kFloat32, d);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t in = 0; in < inner; ++in) {
      double mx = -1e30, sum = 0;
      for (int64_t j = 0; j < len; ++j) mx = std::max<double>(mx, x.data<float>()[(o * len + j) * inner + in]);
      for (int64_t j = 0; j < len; ++j) sum += std::exp(x.data<float>()[(o * len + j) * inner + in] - mx);
      for (int64_t j = 0; j < len; ++j) {
        double v = x.data<float>()[(o * len + j) * inner + in] - mx;
        y.data<float>()[(o * len + j) * inner + in] = static_cast<float>(log ? v - std::log(sum) : std::exp(v) / sum);
      }
    }
  }
  return y;
}

TEST(Softmax, Opset13EveryAxis) {
  std::mt19937 rng(71);
  ir::Tensor x = random_f32({2, 3, 4, 5}, rng, -5, 5);
  for (bool log : {false, true}) {
    for (int64_t axis = -4; axis < 4; ++axis) {
      RunOptions o;
      o.opset = 13;
      SCOPED_TRACE("axis " + std::to_string(axis) + (log ? " log" : ""));
      expect_tensor_near(run1(make_node(log ? "LogSoftmax" : "Softmax", {{"axis", attr_int(axis)}}), {x}, o),
                         reference_softmax(x, axis, false, log), 1e-5, 1e-5);
    }
    expect_tensor_near(run1(make_node(log ? "LogSoftmax" : "Softmax"), {x}), reference_softmax(x, -1, false, log), 1e-5, 1e-5);
  }
}

TEST(Softmax, BeforeOpset13CoercesTo2d) {
  std::mt19937 rng(73);
  ir::Tensor x = random_f32({2, 3, 4}, rng, -5, 5);
  for (bool log : {false, true}) {
    RunOptions o;
    o.opset = 11;
    for (int64_t axis : {0, 1, 2, -1}) {
      expect_tensor_near(run1(make_node(log ? "LogSoftmax" : "Softmax", {{"axis", attr_int(axis)}}), {x}, o),
                         reference_softmax(x, axis, true, log), 1e-5, 1e-5);
    }
    // Default axis is 1 before opset 13.
    expect_tensor_near(run1(make_node(log ? "LogSoftmax" : "Softmax"), {x}, o), reference_softmax(x, 1, true, log), 1e-5, 1e-5);
  }
}

TEST(Softmax, Errors) {
  EXPECT_EQ(error_kind([] { infos_of(make_node("Softmax", {{"axis", attr_int(3)}}), {ir::Tensor(ir::DataType::kFloat32, {2, 3})}); }),
            ErrorKind::kInvalidModel);
  EXPECT_EQ(error_kind([] { infos_of(make_node("Softmax"), {ir::Tensor(ir::DataType::kInt32, {2, 3})}); }), ErrorKind::kUnsupported);
}

}  // namespace
}  // namespace ramiel::testing
