// MaxPool, AveragePool and the global pools against naive loops: random windows, strides, pads,
// auto_pad, ceil_mode, count_include_pad, dilations, ranks 3-5 and every layout combination.
#include <cstring>
#include <limits>

#include "runtime/kernels/cpu_features.h"
#include "runtime/kernels/pool.h"
#include "runtime/kernels/layout_test_support.h"

namespace ramiel::testing {
namespace {

struct PoolCase {
  ir::Dims x;
  std::vector<int64_t> kernel, strides, dilations, pads;
  std::string auto_pad = "NOTSET";
  bool ceil = false, include_pad = false, max = true;
};

ir::Tensor reference_pool(const PoolCase& c, const ir::Tensor& x) {
  const size_t r = c.kernel.size();
  std::vector<int64_t> pb(r), pe(r), out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t in = c.x[2 + i], ext = (c.kernel[i] - 1) * c.dilations[i] + 1, s = c.strides[i];
    if (c.auto_pad == "NOTSET") {
      pb[i] = c.pads[i];
      pe[i] = c.pads[r + i];
      int64_t span = in + pb[i] + pe[i] - ext;
      out[i] = c.ceil ? (span + s - 1) / s + 1 : span / s + 1;
      if (c.ceil && (out[i] - 1) * s >= in + pb[i]) --out[i];
    } else if (c.auto_pad == "VALID") {
      pb[i] = pe[i] = 0;
      out[i] = (in - ext) / s + 1;
    } else {
      out[i] = (in + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out[i] - 1) * s + ext - in);
      pb[i] = c.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pe[i] = total - pb[i];
    }
  }
  ir::Dims yd = {c.x[0], c.x[1]};
  yd.insert(yd.end(), out.begin(), out.end());
  ir::Tensor y(ir::DataType::kFloat32, yd);
  const ir::Dims kd(c.kernel.begin(), c.kernel.end());
  for (int64_t yi = 0; yi < y.size(); ++yi) {
    auto idx = unravel(yi, yd);
    double acc = c.max ? -std::numeric_limits<double>::infinity() : 0.0;
    int64_t inside = 0, padded = 0;
    for (int64_t t = 0; t < ir::element_count(kd); ++t) {
      auto k = unravel(t, kd);
      bool in_x = true, in_padded = true;
      int64_t xf = idx[0] * c.x[1] + idx[1];
      for (size_t i = 0; i < r; ++i) {
        int64_t p = idx[2 + i] * c.strides[i] - pb[i] + k[i] * c.dilations[i];
        in_x = in_x && p >= 0 && p < c.x[2 + i];
        in_padded = in_padded && p < c.x[2 + i] + pe[i];
        xf = xf * c.x[2 + i] + p;
      }
      if (in_padded) ++padded;
      if (!in_x) continue;
      ++inside;
      double v = x.data<float>()[xf];
      acc = c.max ? std::max(acc, v) : acc + v;
    }
    if (!c.max) acc /= static_cast<double>(c.include_pad ? padded : inside);
    y.data<float>()[yi] = static_cast<float>(acc);
  }
  return y;
}

ir::Node pool_node(const PoolCase& c) {
  std::map<std::string, ir::Attribute> a = {{"kernel_shape", attr_ints(c.kernel)}, {"strides", attr_ints(c.strides)},
                                            {"ceil_mode", attr_int(c.ceil)}};
  if (c.max) {
    a["dilations"] = attr_ints(c.dilations);
  } else {
    a["count_include_pad"] = attr_int(c.include_pad);
  }
  if (c.auto_pad == "NOTSET") {
    a["pads"] = attr_ints(c.pads);
  } else {
    a["auto_pad"] = attr_string(c.auto_pad);
  }
  return make_node(c.max ? "MaxPool" : "AveragePool", a);
}

PoolCase random_case(std::mt19937& rng, size_t rank, bool max) {
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  PoolCase c;
  c.max = max;
  const size_t r = rank - 2;
  c.x = {pick(1, 2), pick(0, 1) ? 8 * pick(1, 3) : pick(1, 20)};  // whole channel blocks half the time
  for (size_t i = 0; i < r; ++i) c.x.push_back(pick(4, r == 3 ? 7 : 12));
  for (size_t i = 0; i < r; ++i) {
    c.kernel.push_back(pick(1, 4));
    c.strides.push_back(pick(1, 3));
    c.dilations.push_back(max ? pick(1, 2) : 1);
  }
  for (size_t i = 0; i < r; ++i) {  // keep the (dilated) window inside the input
    while ((c.kernel[i] - 1) * c.dilations[i] + 1 > c.x[2 + i]) c.dilations[i] = 1, c.kernel[i] = 1;
  }
  for (size_t i = 0; i < 2 * r; ++i) c.pads.push_back(pick(0, c.kernel[i % r] - 1));  // pads smaller than the window
  const char* modes[] = {"NOTSET", "NOTSET", "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"};
  c.auto_pad = modes[pick(0, 5)];
  c.ceil = c.auto_pad == "NOTSET" && pick(0, 1);
  c.include_pad = pick(0, 1);
  return c;
}

void check(const PoolCase& c, std::mt19937& rng, runtime::Layout in, runtime::Layout out) {
  ir::Tensor x = random_f32(c.x, rng);
  LayoutOptions o;
  o.input = in;
  o.output = out;
  SCOPED_TRACE(std::string(c.max ? "MaxPool" : "AveragePool") + " x " + ir::to_string(c.x) + " k " +
               ir::to_string(c.kernel) + " s " + ir::to_string(c.strides) + " d " + ir::to_string(c.dilations) + " pads " +
               ir::to_string(c.pads) + " " + c.auto_pad + " ceil " + std::to_string(c.ceil) + " include_pad " +
               std::to_string(c.include_pad));
  expect_tensor_near(run_with_layout(pool_node(c), {x}, o), reference_pool(c, x), 1e-5, 1e-5);
}

TEST(Pool, RandomMaxPool2dAllLayouts) {
  std::mt19937 rng(41);
  for (int iter = 0; iter < 80; ++iter) {
    auto [in, out] = layout_pairs()[static_cast<size_t>(iter) % layout_pairs().size()];
    check(random_case(rng, 4, true), rng, in, out);
  }
}

TEST(Pool, RandomAveragePool2dAllLayouts) {
  std::mt19937 rng(43);
  for (int iter = 0; iter < 80; ++iter) {
    auto [in, out] = layout_pairs()[static_cast<size_t>(iter) % layout_pairs().size()];
    check(random_case(rng, 4, false), rng, in, out);
  }
}

TEST(Pool, Avx2LoopGivesTheBaselineBits) {
  // Where the CPU has AVX2, 2-D pools run AVX2 builds of their loops (blocked stride-1 windows a
  // loop of their own); they must give exactly the bits of the baseline loops (same tap order,
  // same divisors), NaNs, infinities and signed zeros included.
  if (!runtime::cpu::use_avx2()) GTEST_SKIP() << "this CPU (or RAMIEL_NO_AVX2) runs the baseline loops only";
  runtime::set_pool_code(runtime::PoolCode::kLoops);  // blocked layouts would run oneDNN where it runs AVX-512
  const runtime::Layout layouts[] = {runtime::Layout::kNChw8c, runtime::Layout::kNChw16c, runtime::Layout::kNhwc,
                                     runtime::Layout::kPlain};
  std::mt19937 rng(59);
  for (int iter = 0; iter < 120; ++iter) {
    PoolCase c = random_case(rng, 4, iter % 2 == 0);
    const runtime::Layout layout = layouts[(iter / 2) % 4];
    if (layout == runtime::Layout::kNChw8c) c.x[1] = 8 * (1 + iter % 3);
    if (layout == runtime::Layout::kNChw16c) c.x[1] = 16 * (1 + iter % 2);
    if (iter % 5 == 0) c.strides = {1, 1};
    std::fill(c.dilations.begin(), c.dilations.end(), 1);
    LayoutOptions o;
    o.input = o.output = layout;
    SCOPED_TRACE(std::string(c.max ? "MaxPool" : "AveragePool") + " x " + ir::to_string(c.x) + " k " +
                 ir::to_string(c.kernel) + " s " + ir::to_string(c.strides) + " pads " + ir::to_string(c.pads) + " " +
                 c.auto_pad + " ceil " + std::to_string(c.ceil) + " include_pad " + std::to_string(c.include_pad));
    const ir::Tensor x = random_f32(c.x, rng);
    ir::Tensor special = x.clone();
    special.data<float>()[(7 * iter) % x.size()] = std::numeric_limits<float>::quiet_NaN();
    special.data<float>()[(13 * iter + 5) % x.size()] = -std::numeric_limits<float>::infinity();
    special.data<float>()[(3 * iter + 1) % x.size()] = -0.0f;
    for (const ir::Tensor* input : {&x, static_cast<const ir::Tensor*>(&special)}) {
      const ir::Tensor fast = run_with_layout(pool_node(c), {*input}, o);
      runtime::cpu::set_avx2_enabled(false);
      const ir::Tensor baseline = run_with_layout(pool_node(c), {*input}, o);
      runtime::cpu::set_avx2_enabled(true);
      ASSERT_EQ(fast.dims(), baseline.dims());
      EXPECT_EQ(std::memcmp(fast.raw(), baseline.raw(), static_cast<size_t>(fast.size()) * sizeof(float)), 0);
      if (input == &x) expect_tensor_near(fast, reference_pool(c, x), 1e-5, 1e-5);
    }
  }
  runtime::set_pool_code(runtime::PoolCode::kAuto);
}

// Slices of a pool (runs of channel blocks) and pools on several threads (one slice per OpenMP
// thread) give exactly the whole pool's bits, on ramiel's loops and on oneDNN alike.
TEST(Pool, SlicesAndThreadsGiveTheWholeBits) {
  const runtime::Layout blocked = runtime::preferred_activation_layout() == runtime::Layout::kNChw8c ? runtime::Layout::kNChw8c
                                                                                                   : runtime::Layout::kNChw16c;
  std::mt19937 rng(61);
  int sliced = 0;
  for (runtime::PoolCode code : {runtime::PoolCode::kAuto, runtime::PoolCode::kLoops, runtime::PoolCode::kOneDnn}) {
    runtime::set_pool_code(code);
    for (int iter = 0; iter < 24; ++iter) {
      PoolCase c = random_case(rng, 4, iter % 2 == 0);
      const runtime::Layout layout = iter % 3 == 0 ? runtime::Layout::kPlain : blocked;
      c.x[0] = 1;
      c.x[1] = runtime::channel_block(blocked) * (2 + iter % 3);
      std::fill(c.dilations.begin(), c.dilations.end(), 1);
      if (c.ceil && c.include_pad) c.ceil = false;  // that case runs a loop of its own, unsplit
      SCOPED_TRACE(std::string(c.max ? "MaxPool" : "AveragePool") + " x " + ir::to_string(c.x) + " k " + ir::to_string(c.kernel) +
                   " s " + ir::to_string(c.strides) + " pads " + ir::to_string(c.pads) + " " + c.auto_pad + " layout " +
                   std::string(runtime::to_string(layout)) + " code " + std::to_string(static_cast<int>(code)));
      const ir::Tensor x = random_f32(c.x, rng);
      LayoutOptions o;
      o.input = o.output = layout;
      const ir::Tensor whole = run_with_layout(pool_node(c), {x}, o);
      const size_t bytes = static_cast<size_t>(whole.size()) * sizeof(float);
      for (int threads : {2, 3}) {
        LayoutOptions t = o;
        t.threads = threads;
        const ir::Tensor many = run_with_layout(pool_node(c), {x}, t);
        EXPECT_EQ(std::memcmp(many.raw(), whole.raw(), bytes), 0) << threads << " threads";
      }
      for (int count : {2, 3}) {
        ir::Tensor parts(ir::DataType::kFloat32, whole.dims());
        std::memset(parts.raw(), 0, bytes);
        for (int k = 0; k < count; ++k) {
          LayoutOptions p = o;
          p.slice = {k, count};
          const ir::Tensor part = run_with_layout(pool_node(c), {x}, p);  // zeros outside slice k
          for (int64_t i = 0; i < part.size(); ++i) parts.data<float>()[i] += part.data<float>()[i];
        }
        EXPECT_EQ(std::memcmp(parts.raw(), whole.raw(), bytes), 0) << count << " slices";
        ++sliced;
      }
    }
  }
  runtime::set_pool_code(runtime::PoolCode::kAuto);
  EXPECT_GT(sliced, 0);
}

TEST(Pool, Random1dAnd3d) {
  std::mt19937 rng(47);
  for (int iter = 0; iter < 40; ++iter) {
    check(random_case(rng, iter % 2 ? 3 : 5, iter % 4 < 2), rng, runtime::Layout::kPlain, runtime::Layout::kPlain);
  }
}

TEST(Pool, CeilModeOverhangCountIncludePad) {
  // 3x3 stride 2 on 6x6 with pad 1 and ceil_mode: the last window overhangs the padded input.
  PoolCase c;
  c.max = false;
  c.x = {1, 3, 6, 6};
  c.kernel = {3, 3};
  c.strides = {2, 2};
  c.dilations = {1, 1};
  c.pads = {1, 1, 1, 1};
  c.ceil = true;
  std::mt19937 rng(1);
  for (bool include : {false, true}) {
    c.include_pad = include;
    for (auto [in, out] : layout_pairs()) check(c, rng, in, out);
  }
}

TEST(Pool, GlobalPools) {
  std::mt19937 rng(53);
  for (const ir::Dims& d : {ir::Dims{1, 7, 5, 4}, ir::Dims{2, 16, 7, 7}, ir::Dims{1, 3, 9}, ir::Dims{1, 2, 3, 4, 5}}) {
    ir::Tensor x = random_f32(d, rng);
    ir::Dims yd = {d[0], d[1]};
    yd.resize(d.size(), 1);
    ir::Tensor avg(ir::DataType::kFloat32, yd), mx(ir::DataType::kFloat32, yd);
    const int64_t spatial = x.size() / (d[0] * d[1]);
    for (int64_t nc = 0; nc < d[0] * d[1]; ++nc) {
      double sum = 0, m = -1e30;
      for (int64_t p = 0; p < spatial; ++p) {
        sum += x.data<float>()[nc * spatial + p];
        m = std::max<double>(m, x.data<float>()[nc * spatial + p]);
      }
      avg.data<float>()[nc] = static_cast<float>(sum / static_cast<double>(spatial));
      mx.data<float>()[nc] = static_cast<float>(m);
    }
    for (auto [in, out] : layout_pairs()) {
      if (d.size() != 4 && in != runtime::Layout::kPlain) continue;
      LayoutOptions o;
      o.input = in;
      o.output = out;
      expect_tensor_near(run_with_layout(make_node("GlobalAveragePool"), {x}, o), avg, 1e-5, 1e-5);
      expect_tensor_near(run_with_layout(make_node("GlobalMaxPool"), {x}, o), mx, 1e-6, 1e-6);
    }
  }
}

TEST(Pool, Errors) {
  ir::Tensor x(ir::DataType::kFloat32, {1, 2, 5, 5});
  EXPECT_EQ(error_kind([&] { infos_of(make_node("MaxPool"), {x}); }), ErrorKind::kInvalidModel);  // no kernel_shape
  EXPECT_EQ(error_kind([&] { infos_of(make_node("MaxPool", {{"kernel_shape", attr_ints({2, 2})}}, 2), {x}); }),
            ErrorKind::kUnsupported);  // Indices output
  EXPECT_EQ(error_kind([&] { infos_of(make_node("AveragePool", {{"kernel_shape", attr_ints({7, 7})}}), {x}); }),
            ErrorKind::kInvalidModel);  // window larger than the input
  EXPECT_EQ(error_kind([&] { infos_of(make_node("AveragePool", {{"kernel_shape", attr_ints({2})}}), {x}); }),
            ErrorKind::kInvalidModel);  // wrong rank
}

}  // namespace
}  // namespace ramiel::testing
