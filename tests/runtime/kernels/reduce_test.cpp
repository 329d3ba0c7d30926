// The Reduce family against a naive reference over random axes, keepdims, noop_with_empty_axes,
// axes as attribute and as (constant or run-time) input.
#include <cmath>
#include <functional>

#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

struct Kind {
  const char* op;
  double init;
  std::function<double(double, double)> fold;
  std::function<double(double, int64_t)> finish;
};

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> k = {
      {"ReduceSum", 0, [](double a, double x) { return a + x; }, [](double a, int64_t) { return a; }},
      {"ReduceMean", 0, [](double a, double x) { return a + x; }, [](double a, int64_t n) { return a / static_cast<double>(n); }},
      {"ReduceMax", -INFINITY, [](double a, double x) { return std::max(a, x); }, [](double a, int64_t) { return a; }},
      {"ReduceMin", INFINITY, [](double a, double x) { return std::min(a, x); }, [](double a, int64_t) { return a; }},
      {"ReduceProd", 1, [](double a, double x) { return a * x; }, [](double a, int64_t) { return a; }},
      {"ReduceL1", 0, [](double a, double x) { return a + std::abs(x); }, [](double a, int64_t) { return a; }},
      {"ReduceL2", 0, [](double a, double x) { return a + x * x; }, [](double a, int64_t) { return std::sqrt(a); }},
      {"ReduceSumSquare", 0, [](double a, double x) { return a + x * x; }, [](double a, int64_t) { return a; }},
      {"ReduceLogSum", 0, [](double a, double x) { return a + x; }, [](double a, int64_t) { return std::log(a); }},
      {"ReduceLogSumExp", 0, [](double a, double x) { return a + std::exp(x); }, [](double a, int64_t) { return std::log(a); }},
  };
  return k;
}

ir::Tensor reference(const Kind& k, const ir::Tensor& x, const std::vector<bool>& reduced, bool keepdims) {
  ir::Dims keep, out;
  int64_t count = 1;
  for (size_t d = 0; d < x.dims().size(); ++d) {
    keep.push_back(reduced[d] ? 1 : x.dims()[d]);
    if (!reduced[d] || keepdims) out.push_back(keep.back());
    if (reduced[d]) count *= x.dims()[d];
  }
  std::vector<double> acc(static_cast<size_t>(ir::element_count(keep)), k.init);
  for (int64_t i = 0; i < x.size(); ++i) {
    auto idx = unravel(i, x.dims());
    int64_t o = 0;
    for (size_t d = 0; d < idx.size(); ++d) o = o * keep[d] + (reduced[d] ? 0 : idx[d]);
    acc[static_cast<size_t>(o)] = k.fold(acc[static_cast<size_t>(o)], x.data<float>()[i]);
  }
  ir::Tensor r(ir::DataType::kFloat32, out);
  for (int64_t i = 0; i < r.size(); ++i) r.data<float>()[i] = static_cast<float>(k.finish(acc[static_cast<size_t>(i)], count));
  return r;
}

TEST(Reduce, EveryKindMatchesReferenceOnRandomAxes) {
  std::mt19937 rng(1);
  ir::Tensor x = random_f32({3, 4, 5, 2}, rng, 0.1f, 1.5f);
  for (const Kind& k : kinds()) {
    for (int mask = 0; mask < 16; ++mask) {
      for (int keepdims = 0; keepdims < 2; ++keepdims) {
        std::vector<int64_t> axes;
        std::vector<bool> reduced(4, mask == 0);
        for (int64_t d = 0; d < 4; ++d)
          if (mask & (1 << d)) {
            axes.push_back(d % 2 ? d - 4 : d);  // mix negative axes in
            reduced[static_cast<size_t>(d)] = true;
          }
        std::map<std::string, ir::Attribute> attrs = {{"keepdims", attr_int(keepdims)}};
        if (!axes.empty()) attrs["axes"] = attr_ints(axes);
        SCOPED_TRACE(std::string(k.op) + " mask " + std::to_string(mask) + " keepdims " + std::to_string(keepdims));
        RunOptions o;
        o.opset = 11;
        expect_tensor_near(run1(make_node(k.op, attrs), {x}, o), reference(k, x, reduced, keepdims != 0), 1e-5, 1e-5);
      }
    }
  }
}

TEST(Reduce, SumAxesInputAndNoop) {
  ir::Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  RunOptions constant;
  constant.constant = {false, true};
  expect_tensor_near(run1(make_node("ReduceSum"), {x, i64({1}, {1})}, constant), f32({2, 1}, {6, 15}));
  expect_tensor_near(run1(make_node("ReduceSum", {{"keepdims", attr_int(0)}}), {x, i64({1}, {-2})}), f32({3}, {5, 7, 9}));
  expect_tensor_near(run1(make_node("ReduceSum"), {x}), f32({1, 1}, {21}));
  expect_tensor_near(run1(make_node("ReduceSum", {{"noop_with_empty_axes", attr_int(1)}}), {x}), x);
  expect_tensor_near(run1(make_node("ReduceSum", {{"noop_with_empty_axes", attr_int(1)}}), {x, i64({0}, {})}), x);
  EXPECT_TRUE(infos_of(make_node("ReduceSum"), {x, i64({1}, {1})})[0].dynamic);
}

TEST(Reduce, IntegersEmptyAndLargeValues) {
  EXPECT_EQ(values(run1(make_node("ReduceMax", {{"axes", attr_ints({0})}, {"keepdims", attr_int(0)}}), {i64({2, 2}, {1, 7, 5, 3})})),
            (std::vector<double>{5, 7}));
  EXPECT_EQ(values(run1(make_node("ReduceSum", {{"keepdims", attr_int(0)}}), {i32({3}, {1, 2, 3}), i64({1}, {0})})), (std::vector<double>{6}));
  expect_tensor_near(run1(make_node("ReduceSum", {{"keepdims", attr_int(0)}}), {f32({0, 2}, {}), i64({1}, {0})}), f32({2}, {0, 0}));
  RunOptions o;
  o.opset = 11;
  expect_tensor_near(run1(make_node("ReduceLogSumExp", {{"keepdims", attr_int(0)}}), {f32({2}, {1000, 1000})}, o), f32({}, {1000 + std::log(2.0f)}));
  // A long contiguous reduction (the vectorised path with a tail).
  std::vector<float> ones(1003, 1.0f);
  expect_tensor_near(run1(make_node("ReduceMean", {{"axes", attr_ints({-1})}}), {f32({1, 1003}, ones)}, o), f32({1, 1}, {1}));
}

}  // namespace
}  // namespace ramiel::testing
