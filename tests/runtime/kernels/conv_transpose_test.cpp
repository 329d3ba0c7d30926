// ConvTranspose against a naive scatter loop: random 1-D/2-D/3-D shapes, groups, strides,
// dilations, pads, output_padding, output_shape and auto_pad.
#include "runtime/kernels/kernel_test_support.h"

namespace ramiel::testing {
namespace {

// y[n, g*Mg + m, i*s - pl + k*d] += x[n, g*Cg + c, i] * w[g*Cg + c, m, k], plus bias.
ir::Tensor reference(const ir::Tensor& x, const ir::Tensor& w, const ir::Tensor* b, int64_t group,
                     const std::vector<int64_t>& s, const std::vector<int64_t>& d, const std::vector<int64_t>& pl,
                     const ir::Dims& y_dims) {
  const ir::Dims& xd = x.dims();
  const size_t r = xd.size() - 2;
  const int64_t cg = xd[1] / group, mg = w.dims()[1];
  const ir::Dims kd(w.dims().begin() + 2, w.dims().end());
  ir::Tensor y(ir::DataType::kFloat32, y_dims);
  for (int64_t i = 0; i < y.size(); ++i) y.data<float>()[i] = b ? b->data<float>()[unravel(i, y_dims)[1]] : 0.0f;
  for (int64_t xi = 0; xi < x.size(); ++xi) {
    auto xidx = unravel(xi, xd);
    const int64_t n = xidx[0], ch = xidx[1], g = ch / cg;
    for (int64_t m = 0; m < mg; ++m) {
      for (int64_t t = 0; t < ir::element_count(kd); ++t) {
        auto k = unravel(t, kd);
        std::vector<int64_t> yidx = {n, g * mg + m};
        bool inside = true;
        for (size_t a = 0; a < r; ++a) {
          int64_t o = xidx[2 + a] * s[a] - pl[a] + k[a] * d[a];
          inside = inside && o >= 0 && o < y_dims[2 + a];
          yidx.push_back(o);
        }
        if (!inside) continue;
        int64_t yf = 0, wf = ch * mg + m;
        for (size_t a = 0; a < yidx.size(); ++a) yf = yf * y_dims[a] + yidx[a];
        for (size_t a = 0; a < r; ++a) wf = wf * kd[a] + k[a];
        y.data<float>()[yf] += x.data<float>()[xi] * w.data<float>()[wf];
      }
    }
  }
  return y;
}

TEST(ConvTranspose, RandomShapes) {
  std::mt19937 rng(81);
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (int iter = 0; iter < 40; ++iter) {
    const size_t r = iter % 5 == 0 ? 1 : iter % 7 == 0 ? 3 : 2;
    const int64_t group = pick(1, 2), cg = pick(1, 3), mg = pick(1, 3);
    ir::Dims xd = {pick(1, 2), group * cg};
    std::vector<int64_t> k, s, d, pads(2 * r), op(r);
    for (size_t a = 0; a < r; ++a) {
      xd.push_back(pick(2, r == 3 ? 4 : 6));
      k.push_back(pick(1, 3));
      s.push_back(pick(1, 3));
      d.push_back(pick(1, 2));
    }
    for (size_t a = 0; a < r; ++a) {
      op[a] = pick(0, s[a] - 1);
      pads[a] = pick(0, 1);
      pads[r + a] = pick(0, 1);
    }
    ir::Dims wd = {group * cg, mg};
    wd.insert(wd.end(), k.begin(), k.end());
    ir::Tensor x = random_f32(xd, rng), w = random_f32(wd, rng), b = random_f32({group * mg}, rng);
    std::map<std::string, ir::Attribute> attrs = {{"group", attr_int(group)}, {"strides", attr_ints(s)},
                                                  {"dilations", attr_ints(d)}, {"output_padding", attr_ints(op)}};
    std::vector<int64_t> pl(r);
    ir::Dims yd = {xd[0], group * mg};
    const int mode = static_cast<int>(pick(0, 2));  // 0: pads, 1: output_shape, 2: SAME_UPPER
    for (size_t a = 0; a < r; ++a) {
      const int64_t full = s[a] * (xd[2 + a] - 1) + op[a] + (k[a] - 1) * d[a] + 1;
      if (mode == 0) {
        pl[a] = pads[a];
        yd.push_back(full - pads[a] - pads[r + a]);
      } else {
        const int64_t out = mode == 1 ? full - pick(0, 1) : xd[2 + a] * s[a];
        const int64_t total = full - out;
        pl[a] = mode == 2 ? total / 2 : total - total / 2;
        if (total < 0) pl[a] = mode == 2 ? -1 : 0;  // not generated below
        yd.push_back(out);
      }
    }
    bool ok = true;
    for (size_t a = 0; a < r; ++a) ok = ok && yd[2 + a] > 0 && pl[a] >= 0;
    if (!ok) continue;
    if (mode == 0) attrs["pads"] = attr_ints(pads);
    if (mode == 1) attrs["output_shape"] = attr_ints(std::vector<int64_t>(yd.begin() + 2, yd.end()));
    if (mode == 2) attrs["auto_pad"] = attr_string("SAME_UPPER");
    RunOptions o;
    o.constant = {false, iter % 2 == 0, true};
    SCOPED_TRACE("x " + ir::to_string(xd) + " w " + ir::to_string(wd) + " mode " + std::to_string(mode));
    expect_tensor_near(run1(make_node("ConvTranspose", attrs), {x, w, b}, o), reference(x, w, &b, group, s, d, pl, yd), 1e-4,
                       1e-4);
  }
}

TEST(ConvTranspose, Errors) {
  ir::Tensor x(ir::DataType::kFloat32, {1, 4, 5, 5});
  EXPECT_EQ(error_kind([&] { infos_of(make_node("ConvTranspose"), {x, ir::Tensor(ir::DataType::kFloat32, {3, 2, 3, 3})}); }),
            ErrorKind::kInvalidModel);
  EXPECT_EQ(error_kind([&] {
              infos_of(make_node("ConvTranspose", {{"strides", attr_ints({2, 2})}, {"output_padding", attr_ints({2, 0})}}),
                       {x, ir::Tensor(ir::DataType::kFloat32, {4, 2, 3, 3})});
            }),
            ErrorKind::kInvalidModel);
  EXPECT_EQ(infos_of(make_node("ConvTranspose", {{"strides", attr_ints({2, 2})}}), {x, ir::Tensor(ir::DataType::kFloat32, {4, 2, 3, 3})})
                .at(0)
                .dims,
            (ir::Dims{1, 2, 11, 11}));
}

}  // namespace
}  // namespace ramiel::testing
