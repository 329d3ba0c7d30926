// The Winograd convolutions (3x3, 5x5, 1x7, 7x1, 1x3, 3x1) against a direct convolution in double: channel counts
// with and without a half panel, pads 0-4 (asymmetric too), odd and even output sizes, bias
// (constant, at run time, none), Relu and Clip, a fused residual, batch 2; slices and OpenMP
// threads give the bits of one whole kernel; the cases it must leave to oneDNN. Both codes: AVX2
// on nChw8c and AVX-512 on nChw16c (the 1-D windows: F(2, 7) and F(4, 3)).
#include "runtime/kernels/conv_winograd.h"

#include "runtime/kernels/cpu_features.h"
#include "runtime/kernels/kernel_test_support.h"
#include "runtime/layout.h"

namespace ramiel::testing {
namespace {

using runtime::Layout;

struct WinogradCase {
  int64_t n = 1, c = 16, k = 16, h = 9, w = 9;
  int64_t kh = 3, kw = 3;                    // 3x3, 1x7 or 7x1
  std::vector<int64_t> pads = {1, 1, 1, 1};  // top, left, bottom, right
  bool bias = true, constant_bias = true, residual = false;
  runtime::FusedActivation activation = runtime::FusedActivation::kNone;
  Layout layout = Layout::kNChw8c;  // nChw8c: the AVX2 code; nChw16c: the AVX-512 code
};

ir::Node winograd_node(const WinogradCase& c) {
  return make_node("Conv", {{"kernel_shape", attr_ints({c.kh, c.kw})}, {"pads", attr_ints(c.pads)}});
}

ir::Tensor to_layout(const ir::Tensor& plain, Layout layout) {
  ir::Tensor t(plain.dtype(), plain.dims());
  runtime::convert_layout(plain.raw(), t.raw(), plain.dims(), 4, Layout::kPlain, layout);
  return t;
}

ir::Tensor to_plain(const ir::Tensor& t, Layout layout) {
  ir::Tensor plain(t.dtype(), t.dims());
  runtime::convert_layout(t.raw(), plain.raw(), t.dims(), 4, layout, Layout::kPlain);
  return plain;
}

// Direct convolution in double, then bias, residual and activation as the kernel applies them.
ir::Tensor reference(const WinogradCase& c, const ir::Tensor& x, const ir::Tensor& w, const ir::Tensor& b, const ir::Tensor& r) {
  const int64_t oh = c.h + c.pads[0] + c.pads[2] - c.kh + 1, ow = c.w + c.pads[1] + c.pads[3] - c.kw + 1;
  ir::Tensor y(ir::DataType::kFloat32, {c.n, c.k, oh, ow});
  const float* xd = x.data<float>();
  const float* wd = w.data<float>();
  float* yd = y.data<float>();
  for (int64_t n = 0; n < c.n; ++n) {
    for (int64_t k = 0; k < c.k; ++k) {
      for (int64_t i = 0; i < oh; ++i) {
        for (int64_t j = 0; j < ow; ++j) {
          double acc = 0;
          for (int64_t ci = 0; ci < c.c; ++ci) {
            for (int64_t a = 0; a < c.kh; ++a) {
              for (int64_t bb = 0; bb < c.kw; ++bb) {
                const int64_t row = i + a - c.pads[0], col = j + bb - c.pads[1];
                if (row < 0 || row >= c.h || col < 0 || col >= c.w) continue;
                acc += static_cast<double>(xd[((n * c.c + ci) * c.h + row) * c.w + col]) * wd[((k * c.c + ci) * c.kh + a) * c.kw + bb];
              }
            }
          }
          const int64_t at = ((n * c.k + k) * oh + i) * ow + j;
          if (c.bias) acc += b.data<float>()[k];
          if (c.residual) acc += r.data<float>()[at];
          if (c.activation == runtime::FusedActivation::kRelu) acc = std::max(acc, 0.0);
          if (c.activation == runtime::FusedActivation::kClip) acc = std::clamp(acc, -0.5, 0.5);
          yd[at] = static_cast<float>(acc);
        }
      }
    }
  }
  return y;
}

struct Operands {
  ir::Tensor x, w, b, r;         // plain
  std::vector<ir::Tensor> stored;  // as the kernel reads them (x and r in the case's layout)
};

Operands operands(const WinogradCase& c, std::mt19937& rng) {
  const int64_t oh = c.h + c.pads[0] + c.pads[2] - c.kh + 1, ow = c.w + c.pads[1] + c.pads[3] - c.kw + 1;
  Operands o{random_f32({c.n, c.c, c.h, c.w}, rng), random_f32({c.k, c.c, c.kh, c.kw}, rng), random_f32({c.k}, rng),
             random_f32({c.n, c.k, oh, ow}, rng), {}};
  o.stored = {to_layout(o.x, c.layout), o.w, c.bias ? o.b : ir::Tensor(), c.residual ? to_layout(o.r, c.layout) : ir::Tensor()};
  return o;
}

runtime::KernelInit init_of(const ir::Node& node, const WinogradCase& c, const Operands& o, runtime::SliceSpec slice = {}) {
  runtime::KernelInit init{node, {}, 13, 1, c.layout};
  for (size_t i = 0; i < o.stored.size(); ++i) {
    runtime::TensorInfo info;
    if (o.stored[i].raw() != nullptr) {
      info.dtype = ir::DataType::kFloat32;
      info.dims = o.stored[i].dims();
      info.layout = i == 0 || i == 3 ? c.layout : Layout::kPlain;
      if (i == 1 || (i == 2 && c.constant_bias)) info.constant = &o.stored[i];
    }
    init.inputs.push_back(info);
  }
  init.slice = slice;
  init.activation = c.activation;
  init.clip_min = -0.5F;
  init.clip_max = 0.5F;
  init.add_residual = c.residual;
  return init;
}

// Runs the Winograd kernel (or each slice of it on one output) on `threads` threads and returns
// the output in the case's layout.
ir::Tensor run_winograd(const WinogradCase& c, const Operands& o, int slices = 1, int threads = 1) {
  const ir::Node node = winograd_node(c);
  ir::Tensor y;
  for (int s = 0; s < slices; ++s) {
    runtime::KernelInit init = init_of(node, c, o, {s, slices});
    init.threads = threads;
    auto kernel = runtime::create_winograd_conv_kernel(init);
    if (kernel == nullptr) {
      ADD_FAILURE() << "no Winograd kernel for slice " << s << " of " << slices;
      return y;
    }
    const auto& info = kernel->output_infos().at(0);
    EXPECT_EQ(info.layout, c.layout);
    if (s == 0) y = ir::Tensor(info.dtype, info.dims);
    std::vector<ir::Tensor> outputs = {y};
    kernel->run(o.stored, outputs);
  }
  return y;
}

class ConvWinograd : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!runtime::cpu::use_avx2_fma()) GTEST_SKIP() << "no AVX2+FMA: Winograd is never used here";
    runtime::set_winograd_enabled(true);
  }
};

void check(const WinogradCase& c, uint32_t seed) {
  std::mt19937 rng(seed);
  const Operands o = operands(c, rng);
  const ir::Tensor got = run_winograd(c, o);
  if (got.raw() == nullptr) return;
  SCOPED_TRACE("C " + std::to_string(c.c) + " K " + std::to_string(c.k) + " " + std::to_string(c.h) + "x" + std::to_string(c.w) +
               " window " + std::to_string(c.kh) + "x" + std::to_string(c.kw));
  // F(2x2, 5x5) and F(4x4, 3x3) (3x3 on AVX-512) transform 6x6 tiles on the points +-2: their
  // float error is about 1e-5 of the sum of |x * w| (up to about 10 here), as for oneDNN's
  // jit_wino_4x3.
  const bool six_by_six = c.kh == 5 || (c.kh == 3 && c.kw == 3 && c.layout == Layout::kNChw16c && c.h * c.w > runtime::kWinogradSmallImage);
  const double tolerance = six_by_six ? 1e-3 : 1e-4;
  expect_tensor_near(to_plain(got, c.layout), reference(c, o.x, o.w, o.b, o.r), tolerance, tolerance);
}

TEST_F(ConvWinograd, MatchesDirectConvolution) {
  uint32_t seed = 1;
  for (int64_t ch : {16, 24, 40}) {
    for (int64_t k : {16, 24, 48}) {  // 24 and 40: a half (8-channel) weight panel
      for (int64_t size : {5, 8, 11}) {
        WinogradCase c;
        c.c = ch;
        c.k = k;
        c.h = size;
        c.w = size + 3;
        check(c, seed++);
      }
    }
  }
}

TEST_F(ConvWinograd, PadsBiasActivationsResidualBatch) {
  uint32_t seed = 100;
  for (std::vector<int64_t> pads : {std::vector<int64_t>{0, 0, 0, 0}, {2, 2, 2, 2}, {0, 1, 1, 0}, {2, 0, 1, 2}}) {
    WinogradCase c;
    c.pads = pads;
    c.h = 10;
    c.w = 7;
    check(c, seed++);
  }
  WinogradCase c;
  c.bias = false;
  check(c, seed++);
  c.bias = true;
  c.constant_bias = false;
  check(c, seed++);
  c.activation = runtime::FusedActivation::kRelu;
  check(c, seed++);
  c.activation = runtime::FusedActivation::kClip;
  check(c, seed++);
  c.residual = true;
  c.activation = runtime::FusedActivation::kRelu;
  check(c, seed++);
  c.n = 2;
  check(c, seed++);
}

// Pads for a 1-D window of `taps` along W (1 x taps) or H: keeping the size, none, asymmetric.
std::vector<std::vector<int64_t>> one_d_pads(int64_t taps, bool along_w) {
  const int64_t half = taps / 2;
  if (along_w) return {{0, half, 0, half}, {0, 0, 0, 0}, {1, half - 1, 0, half + 1}};
  return {{half, 0, half, 0}, {0, 0, 0, 0}, {half - 1, 1, half + 1, 0}};
}

// The 1-D windows: F(2, 7) for 1x7 and 7x1, F(4, 3) for 1x3 and 3x1.
const std::vector<std::pair<int64_t, int64_t>> kOneDWindows = {{1, 7}, {7, 1}, {1, 3}, {3, 1}};

TEST_F(ConvWinograd, OneDimensionalWindows) {
  // F(2, 7) and F(4, 3) along W (1x7, 1x3) and along H (7x1, 3x1), as in inception_v3's 17x17
  // and 8x8 blocks: pads that keep the size, none, asymmetric; output sizes that are and are not
  // multiples of the tile; bias, Relu, residual.
  uint32_t seed = 200;
  for (auto [kh, kw] : kOneDWindows) {
    const bool along_w = kh == 1;
    for (const std::vector<int64_t>& pads : one_d_pads(std::max(kh, kw), along_w)) {
      for (int64_t size : {9, 12}) {
        WinogradCase c;
        c.kh = kh;
        c.kw = kw;
        c.c = 24;
        c.k = 40;
        c.h = size;
        c.w = size + 1;
        c.pads = pads;
        c.activation = runtime::FusedActivation::kRelu;
        c.residual = size == 12;
        check(c, seed++);
      }
    }
  }
}

TEST_F(ConvWinograd, FiveByFive) {
  // F(2x2, 5x5), as inception_v3's 48->64 on 35x35: pads that keep the size, none, asymmetric; odd
  // and even outputs; a half weight panel; bias, Relu, residual.
  uint32_t seed = 250;
  for (std::vector<int64_t> pads : {std::vector<int64_t>{2, 2, 2, 2}, {0, 0, 0, 0}, {1, 2, 3, 0}}) {
    for (int64_t size : {9, 12}) {
      WinogradCase c;
      c.kh = 5;
      c.kw = 5;
      c.c = 24;
      c.k = 40;
      c.h = size;
      c.w = size + 1;
      c.pads = pads;
      c.activation = runtime::FusedActivation::kRelu;
      c.residual = size == 12;
      check(c, seed++);
    }
  }
}

TEST_F(ConvWinograd, ManyTilesInBlocks) {
  // 64 channels on 40x40: 400 tiles, more than one tile block.
  WinogradCase c;
  c.c = 64;
  c.k = 64;
  c.h = 40;
  c.w = 40;
  check(c, 7);
}

// 2 and 3 OpenMP threads give exactly the bits of one thread for `c`.
void expect_threads_give_the_bits_of_one(const WinogradCase& c, std::mt19937& rng) {
  const Operands o = operands(c, rng);
  const ir::Tensor one = run_winograd(c, o);
  ASSERT_NE(one.raw(), nullptr);
  for (int threads : {2, 3}) {
    const ir::Tensor many = run_winograd(c, o, 1, threads);
    ASSERT_NE(many.raw(), nullptr);
    EXPECT_EQ(std::memcmp(many.raw(), one.raw(), static_cast<size_t>(one.size()) * 4), 0) << threads << " threads";
  }
}

// For every window (3x3, 5x5, 1x7, 7x1, 1x3, 3x1, pads keeping the size) of `c` (7 output channel
// blocks): 2, 3 and 7 slices, and 2 and 3 threads (tile blocks or output slices on OpenMP
// threads), give exactly the bits of one whole kernel on one thread.
void expect_slices_and_threads_give_the_whole_bits(WinogradCase c, std::mt19937& rng) {
  for (auto [kh, kw] : {std::pair<int64_t, int64_t>{3, 3}, {5, 5}, {1, 7}, {7, 1}, {1, 3}, {3, 1}}) {
    c.kh = kh;
    c.kw = kw;
    c.pads = {kh / 2, kw / 2, kh / 2, kw / 2};
    SCOPED_TRACE(std::to_string(kh) + "x" + std::to_string(kw));
    const Operands o = operands(c, rng);
    const ir::Tensor whole = run_winograd(c, o);
    ASSERT_NE(whole.raw(), nullptr);
    for (int slices : {2, 3, 7}) {
      const ir::Tensor parts = run_winograd(c, o, slices);
      ASSERT_NE(parts.raw(), nullptr);
      EXPECT_EQ(std::memcmp(parts.raw(), whole.raw(), static_cast<size_t>(whole.size()) * 4), 0) << slices << " slices";
    }
    for (int threads : {2, 3}) {
      const ir::Tensor many = run_winograd(c, o, 1, threads);
      ASSERT_NE(many.raw(), nullptr);
      EXPECT_EQ(std::memcmp(many.raw(), whole.raw(), static_cast<size_t>(whole.size()) * 4), 0) << threads << " threads";
    }
  }
}

TEST_F(ConvWinograd, SlicesAndThreadsGiveTheWholeKernelsBits) {
  std::mt19937 rng(3);
  WinogradCase c;
  c.c = 32;
  c.k = 56;  // 7 channel blocks: slices of 4+3, 3+2+2 blocks
  c.h = 12;
  c.w = 13;
  c.residual = true;
  c.activation = runtime::FusedActivation::kRelu;
  expect_slices_and_threads_give_the_whole_bits(c, rng);
}

TEST_F(ConvWinograd, OpenMpThreadsGiveTheBitsOfOneThread) {
  std::mt19937 rng(4);
  WinogradCase c;
  c.c = 24;
  c.k = 40;
  c.h = 30;
  c.w = 27;  // 210 tiles: several tile blocks per thread
  c.activation = runtime::FusedActivation::kRelu;
  expect_threads_give_the_bits_of_one(c, rng);
}

TEST_F(ConvWinograd, LeavesOtherConvolutionsToOneDnn) {
  std::mt19937 rng(5);
  WinogradCase c;
  const Operands o = operands(c, rng);
  auto refused = [](const runtime::KernelInit& init) { return runtime::create_winograd_conv_kernel(init) == nullptr; };
  const ir::Node plain_node = winograd_node(c);
  EXPECT_FALSE(refused(init_of(plain_node, c, o)));
  ir::Node strided = plain_node;
  strided.attributes["strides"] = attr_ints({2, 2});
  EXPECT_TRUE(refused(init_of(strided, c, o)));
  ir::Node dilated = plain_node;
  dilated.attributes["dilations"] = attr_ints({2, 2});
  EXPECT_TRUE(refused(init_of(dilated, c, o)));
  ir::Node grouped = plain_node;
  grouped.attributes["group"] = attr_int(2);
  EXPECT_TRUE(refused(init_of(grouped, c, o)));
  runtime::KernelInit runtime_weight = init_of(plain_node, c, o);
  runtime_weight.inputs[1].constant = nullptr;
  EXPECT_TRUE(refused(runtime_weight));
  runtime::KernelInit nhwc = init_of(plain_node, c, o);
  nhwc.inputs[0].layout = Layout::kNhwc;
  EXPECT_TRUE(refused(nhwc));
  runtime::KernelInit too_many_slices = init_of(plain_node, c, o, {0, 3});  // 2 channel blocks
  EXPECT_TRUE(refused(too_many_slices));
  runtime::set_winograd_enabled(false);
  EXPECT_TRUE(refused(init_of(plain_node, c, o)));
  runtime::set_winograd_enabled(true);
}

TEST_F(ConvWinograd, FewChannelsOnALargeImageStayOnOneDnn) {
  std::mt19937 rng(9);
  WinogradCase c;
  c.c = 32;
  c.k = 32;
  c.h = 80;
  c.w = 80;
  const Operands o = operands(c, rng);
  const ir::Node node = winograd_node(c);
  EXPECT_EQ(runtime::create_winograd_conv_kernel(init_of(node, c, o)), nullptr);
}

// Whether the kernel refuses `c` claimed to be in `layout` (the data stays plain: a refused kernel
// reads none, and the session never stores a tensor blocked with a partial last block).
bool refused_in_layout(WinogradCase c, Layout layout, std::mt19937& rng) {
  c.layout = Layout::kPlain;
  const Operands o = operands(c, rng);
  const ir::Node node = winograd_node(c);  // outlives init, which refers to it
  runtime::KernelInit init = init_of(node, c, o);
  init.inputs[0].layout = layout;
  init.output_layout = layout;
  return runtime::create_winograd_conv_kernel(init) == nullptr;
}

TEST_F(ConvWinograd, ChannelCountsOffTheLayoutsBlockStayOnOneDnn) {
  std::mt19937 rng(10);
  WinogradCase c;
  c.c = 24;
  EXPECT_FALSE(refused_in_layout(c, Layout::kNChw8c, rng));
  c.c = 20;  // the transforms read whole blocks
  EXPECT_TRUE(refused_in_layout(c, Layout::kNChw8c, rng));
}

// The AVX-512 code on nChw16c: every window, 3x3 ones with F(4x4, 3x3) on images above
// kWinogradSmallImage pixels.
class ConvWinogradAvx512 : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!runtime::cpu::use_avx512()) GTEST_SKIP() << "no AVX-512F: the nChw16c Winograd code is never used here";
    runtime::set_winograd_enabled(true);
  }
};

TEST_F(ConvWinogradAvx512, WindowsMatchDirectConvolution) {
  // 3x3, 1x7, 7x1, 1x3, 3x1; channel counts of one, three and five 16-channel blocks: full 64-column
  // weight panels and panels of one and three registers; pads that keep the size, none,
  // asymmetric; bias, Relu, Clip, residual, batch 2.
  uint32_t seed = 300;
  std::vector<std::pair<int64_t, int64_t>> windows = kOneDWindows;
  windows.emplace_back(3, 3);
  windows.emplace_back(5, 5);
  for (auto [kh, kw] : windows) {
    const bool along_w = kh == 1;
    const int64_t half = kh / 2;
    const std::vector<std::vector<int64_t>> pads_cases =
        kh == kw ? std::vector<std::vector<int64_t>>{{half, half, half, half}, {0, 0, 0, 0}, {0, 1, 2, half}} : one_d_pads(std::max(kh, kw), along_w);
    for (const std::vector<int64_t>& pads : pads_cases) {
      for (auto [ch, k] : {std::pair<int64_t, int64_t>{16, 48}, {48, 80}, {32, 128}}) {
        WinogradCase c;
        c.layout = Layout::kNChw16c;
        c.kh = kh;
        c.kw = kw;
        c.c = ch;
        c.k = k;
        c.h = 9 + static_cast<int64_t>(seed % 4);
        c.w = c.h + 1;
        c.pads = pads;
        c.activation = seed % 3 == 0 ? runtime::FusedActivation::kClip : runtime::FusedActivation::kRelu;
        c.residual = seed % 2 == 0;
        c.constant_bias = seed % 5 != 0;
        c.n = seed % 7 == 0 ? 2 : 1;
        check(c, seed++);
      }
    }
  }
}

TEST_F(ConvWinogradAvx512, SlicesAndThreadsGiveTheWholeKernelsBits) {
  std::mt19937 rng(11);
  WinogradCase c;
  c.layout = Layout::kNChw16c;
  c.c = 32;
  c.k = 112;  // 7 channel blocks: slices of 4+3, 3+2+2 blocks
  c.h = 16;
  c.w = 15;  // 3x3 as F(2x2, 3x3): up to kWinogradSmallImage outputs
  c.residual = true;
  c.activation = runtime::FusedActivation::kRelu;
  expect_slices_and_threads_give_the_whole_bits(c, rng);
  c.h = 19;
  c.w = 18;  // 3x3 as F(4x4, 3x3), tiles that stick out
  expect_slices_and_threads_give_the_whole_bits(c, rng);
}

TEST_F(ConvWinogradAvx512, FewChannelsOnALargeImage) {
  // inception_v3's 32->32 on 147x147, smaller: oneDNN's Winograd is refused there (conv.cpp), this
  // kernel is not; tile blocks on threads; a 4x4 tile that sticks out of the image.
  std::mt19937 rng(13);
  WinogradCase c;
  c.layout = Layout::kNChw16c;
  c.c = 32;
  c.k = 32;
  c.h = 66;
  c.w = 70;
  c.activation = runtime::FusedActivation::kRelu;
  check(c, 14);
  expect_threads_give_the_bits_of_one(c, rng);
}

TEST_F(ConvWinogradAvx512, LeavesPartialBlocksToOneDnn) {
  std::mt19937 rng(12);
  WinogradCase c;
  c.layout = Layout::kNChw16c;
  c.c = 32;
  c.k = 32;
  c.h = 16;
  c.w = 16;
  const Operands small = operands(c, rng);
  EXPECT_NE(runtime::create_winograd_conv_kernel(init_of(winograd_node(c), c, small)), nullptr);
  c.h = 40;
  c.w = 40;  // 3x3 on any image size
  const Operands large = operands(c, rng);
  EXPECT_NE(runtime::create_winograd_conv_kernel(init_of(winograd_node(c), c, large)), nullptr);
  c.h = 16;
  c.w = 16;
  c.kh = 1;
  c.kw = 7;
  c.pads = {0, 3, 0, 3};
  const Operands row = operands(c, rng);
  EXPECT_NE(runtime::create_winograd_conv_kernel(init_of(winograd_node(c), c, row)), nullptr);
  EXPECT_FALSE(refused_in_layout(c, Layout::kNChw16c, rng));
  c.c = 24;  // a partial last block
  EXPECT_TRUE(refused_in_layout(c, Layout::kNChw16c, rng));
  c.c = 32;
  c.k = 40;
  EXPECT_TRUE(refused_in_layout(c, Layout::kNChw16c, rng));
}

}  // namespace
}  // namespace ramiel::testing
