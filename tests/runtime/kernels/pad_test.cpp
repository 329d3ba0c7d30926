// Pad: constant/reflect/edge, negative pads, attribute form, run-time pads, against a reference.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

/// numpy.pad-style reference for rank 2 (negative pads crop).
ir::Tensor reference(const ir::Tensor& x, const std::vector<int64_t>& pads, const std::string& mode, float value) {
  const int64_t h = x.dims()[0], w = x.dims()[1];
  const int64_t oh = h + pads[0] + pads[2], ow = w + pads[1] + pads[3];
  ir::Tensor y(ir::DataType::kFloat32, {oh, ow});
  auto map = [&](int64_t i, int64_t d) -> int64_t {
    if (i >= 0 && i < d) return i;
    if (mode == "constant") return -1;
    if (mode == "edge") return i < 0 ? 0 : d - 1;
    if (d == 1) return 0;
    const int64_t p = 2 * (d - 1);
    i = ((i % p) + p) % p;
    return i < d ? i : p - i;
  };
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j) {
      int64_t si = map(i - pads[0], h), sj = map(j - pads[1], w);
      y.data<float>()[i * ow + j] = si < 0 || sj < 0 ? value : x.data<float>()[si * w + sj];
    }
  return y;
}

TEST(Pad, ModesMatchReference) {
  std::mt19937 rng(2);
  ir::Tensor x = random_f32({3, 4}, rng);
  const std::vector<std::vector<int64_t>> pads = {{0, 0, 0, 0}, {1, 2, 3, 0}, {2, 3, 2, 3}, {-1, 1, 0, -2}, {5, 7, 4, 6}};
  for (const char* mode : {"constant", "reflect", "edge"}) {
    for (const auto& p : pads) {
      if (std::string(mode) == "constant" || p[0] < 4) {
        RunOptions o;
        o.constant = {false, true, true};
        SCOPED_TRACE(std::string(mode) + " " + ir::to_string(p));
        expect_tensor_near(run1(make_node("Pad", {{"mode", attr_string(mode)}}), {x, i64({4}, p), f32({}, {1.5f})}, o), reference(x, p, mode, 1.5f));
        // run-time pads and value: dynamic output
        expect_tensor_near(run1(make_node("Pad", {{"mode", attr_string(mode)}}), {x, i64({4}, p), f32({}, {1.5f})}), reference(x, p, mode, 1.5f));
      }
    }
  }
}

TEST(Pad, AttributeFormAndIntegers) {
  RunOptions old;
  old.opset = 2;
  expect_tensor_near(run1(make_node("Pad", {{"pads", attr_ints({0, 1, 0, 1})}, {"value", attr_float(9)}}), {f32({1, 2}, {1, 2})}, old),
                     f32({1, 4}, {9, 1, 2, 9}));
  RunOptions constant;
  constant.constant = {false, true};
  EXPECT_EQ(values(run1(make_node("Pad"), {i64({2}, {1, 2}), i64({2}, {1, 1})}, constant)), (std::vector<double>{0, 1, 2, 0}));
  EXPECT_EQ(error_kind([] { run1(make_node("Pad", {{"mode", attr_string("wrap")}}), {f32({1}, {1}), i64({2}, {1, 1})}); }), ErrorKind::kUnsupported);
}

}  // namespace
}  // namespace ramiel::testing
