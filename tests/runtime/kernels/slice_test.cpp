// Slice: negative and clamped indices, negative steps, omitted axes, attributes (opset 1) and
// run-time inputs, against a naive reference.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

/// Python-style slice of one axis: the selected indices.
std::vector<int64_t> py_slice(int64_t d, int64_t start, int64_t end, int64_t step) {
  std::vector<int64_t> idx;
  auto norm = [d](int64_t v, bool is_end, bool neg) {
    if (v < 0) v += d;
    if (neg) return std::clamp<int64_t>(v, -1, d - 1);
    (void)is_end;
    return std::clamp<int64_t>(v, 0, d);
  };
  int64_t s = norm(start, false, step < 0), e = norm(end, true, step < 0);
  if (step > 0)
    for (int64_t i = s; i < e; i += step) idx.push_back(i);
  else
    for (int64_t i = s; i > e; i += step) idx.push_back(i);
  return idx;
}

TEST(Slice, MatchesPythonSlicingOnRandomParameters) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int64_t> pick(-7, 7), step_pick(-3, 3);
  for (int trial = 0; trial < 200; ++trial) {
    ir::Tensor x = random_f32({4, 5}, rng);
    int64_t axis = trial % 2, d = x.dims()[static_cast<size_t>(axis)];
    int64_t start = pick(rng), end = pick(rng), step = step_pick(rng);
    if (step == 0) step = 1;
    if (trial % 7 == 0) end = step > 0 ? INT64_MAX : INT64_MIN;
    std::vector<int64_t> idx = py_slice(d, start, end, step);
    ir::Dims out = x.dims();
    out[static_cast<size_t>(axis)] = static_cast<int64_t>(idx.size());
    ir::Tensor want(ir::DataType::kFloat32, out);
    for (int64_t i = 0; i < want.size(); ++i) {
      auto m = unravel(i, out);
      m[static_cast<size_t>(axis)] = idx[static_cast<size_t>(m[static_cast<size_t>(axis)])];
      want.data<float>()[i] = x.data<float>()[m[0] * 5 + m[1]];
    }
    RunOptions o;
    o.constant = {false, true, true, true, true};
    SCOPED_TRACE(std::to_string(start) + ":" + std::to_string(end) + ":" + std::to_string(step) + " axis " + std::to_string(axis));
    expect_tensor_near(run1(make_node("Slice"), {x, i64({1}, {start}), i64({1}, {end}), i64({1}, {axis}), i64({1}, {step})}, o), want);
  }
}

TEST(Slice, OmittedAxesAttributesAndRunTimeInputs) {
  ir::Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_tensor_near(run1(make_node("Slice"), {x, i64({2}, {0, 1}), i64({2}, {1, 3})}), f32({1, 2}, {2, 3}));
  RunOptions old;
  old.opset = 1;
  expect_tensor_near(run1(make_node("Slice", {{"starts", attr_ints({1})}, {"ends", attr_ints({1000})}, {"axes", attr_ints({-1})}}), {x}, old),
                     f32({2, 2}, {2, 3, 5, 6}));
  EXPECT_TRUE(infos_of(make_node("Slice"), {x, i64({1}, {0}), i64({1}, {1})})[0].dynamic);
  EXPECT_FALSE(infos_of(make_node("Slice"), {x, i64({1}, {0}), i64({1}, {1})}, {false, true, true})[0].dynamic);
  expect_tensor_near(run1(make_node("Slice"), {x, i64({1}, {-1}), i64({1}, {-100}), i64({1}, {1}), i64({1}, {-1})}), f32({2, 3}, {3, 2, 1, 6, 5, 4}));
  EXPECT_EQ(error_kind([&] { run1(make_node("Slice"), {x, i64({1}, {0}), i64({1}, {1}), i64({1}, {0}), i64({1}, {0})}); }), ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace ramiel::testing
