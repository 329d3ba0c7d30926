// Conv against a naive direct convolution: random shapes over ranks 3-5, groups (depthwise too),
// strides, dilations, explicit and auto pads, bias, constant and runtime weights, and every
// input/output layout combination.
#include "runtime/kernels/conv_winograd.h"
#include "runtime/kernels/layout_test_support.h"

namespace ramiel::testing {
namespace {

struct ConvCase {
  ir::Dims x;                      // [N, C, spatial...]
  int64_t m = 1, group = 1;        // output channels, groups
  std::vector<int64_t> kernel, strides, dilations, pads;  // pads: begins then ends
  std::string auto_pad = "NOTSET";
  bool bias = true;
};

// A 2-D convolution of `x` to `m` channels: a square `k`x`k` window, `stride`, `pad` on every side.
ConvCase square_case(ir::Dims x, int64_t m, int64_t k, int64_t stride, int64_t pad) {
  ConvCase c;
  c.x = std::move(x);
  c.m = m;
  c.kernel = {k, k};
  c.strides = {stride, stride};
  c.dilations = {1, 1};
  c.pads = {pad, pad, pad, pad};
  return c;
}

// Direct convolution on plain NC... tensors; resolves auto_pad itself.
ir::Tensor reference_conv(const ConvCase& c, const ir::Tensor& x, const ir::Tensor& w, const ir::Tensor* b) {
  const size_t r = c.kernel.size();
  std::vector<int64_t> pb(r), out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t in = c.x[2 + i], ext = (c.kernel[i] - 1) * c.dilations[i] + 1, s = c.strides[i];
    if (c.auto_pad == "NOTSET") {
      pb[i] = c.pads[i];
      out[i] = (in + c.pads[i] + c.pads[r + i] - ext) / s + 1;
    } else if (c.auto_pad == "VALID") {
      pb[i] = 0;
      out[i] = (in - ext) / s + 1;
    } else {
      out[i] = (in + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out[i] - 1) * s + ext - in);
      pb[i] = c.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
    }
  }
  ir::Dims yd = {c.x[0], c.m};
  yd.insert(yd.end(), out.begin(), out.end());
  ir::Tensor y(ir::DataType::kFloat32, yd);
  const int64_t cg = c.x[1] / c.group, mg = c.m / c.group;
  const int64_t taps = ir::element_count(ir::Dims(c.kernel.begin(), c.kernel.end()));
  for (int64_t yi = 0; yi < y.size(); ++yi) {
    auto idx = unravel(yi, yd);
    const int64_t n = idx[0], oc = idx[1], g = oc / mg;
    double acc = b ? b->data<float>()[oc] : 0.0;
    for (int64_t icg = 0; icg < cg; ++icg) {
      const int64_t ic = g * cg + icg;
      for (int64_t t = 0; t < taps; ++t) {
        auto k = unravel(t, ir::Dims(c.kernel.begin(), c.kernel.end()));
        std::vector<int64_t> xi = {n, ic};
        bool inside = true;
        for (size_t i = 0; i < r; ++i) {
          int64_t p = idx[2 + i] * c.strides[i] - pb[i] + k[i] * c.dilations[i];
          inside = inside && p >= 0 && p < c.x[2 + i];
          xi.push_back(p);
        }
        if (!inside) continue;
        int64_t xf = 0;
        for (size_t d = 0; d < xi.size(); ++d) xf = xf * c.x[d] + xi[d];
        int64_t wf = oc * cg + icg;
        for (size_t i = 0; i < r; ++i) wf = wf * c.kernel[i] + k[i];
        acc += static_cast<double>(x.data<float>()[xf]) * w.data<float>()[wf];
      }
    }
    y.data<float>()[yi] = static_cast<float>(acc);
  }
  return y;
}

ir::Node conv_node(const ConvCase& c) {
  std::map<std::string, ir::Attribute> a = {{"group", attr_int(c.group)}, {"kernel_shape", attr_ints(c.kernel)},
                                            {"strides", attr_ints(c.strides)}, {"dilations", attr_ints(c.dilations)}};
  if (c.auto_pad == "NOTSET") {
    a["pads"] = attr_ints(c.pads);
  } else {
    a["auto_pad"] = attr_string(c.auto_pad);
  }
  return make_node("Conv", a);
}

void check_case(const ConvCase& c, std::mt19937& rng, runtime::Layout in, runtime::Layout out, bool constant_w) {
  ir::Dims wd = {c.m, c.x[1] / c.group};
  wd.insert(wd.end(), c.kernel.begin(), c.kernel.end());
  ir::Tensor x = random_f32(c.x, rng), w = random_f32(wd, rng), b = random_f32({c.m}, rng);
  std::vector<ir::Tensor> inputs = {x, w};
  if (c.bias) inputs.push_back(b);
  LayoutOptions o;
  o.input = in;
  o.output = out;
  o.constant = {false, constant_w, constant_w};
  ir::Tensor got = run_with_layout(conv_node(c), inputs, o);
  SCOPED_TRACE("x " + ir::to_string(c.x) + " m " + std::to_string(c.m) + " group " + std::to_string(c.group) +
               " auto_pad " + c.auto_pad + " layouts " + std::to_string(static_cast<int>(in)) + "/" +
               std::to_string(static_cast<int>(out)));
  expect_tensor_near(got, reference_conv(c, x, w, c.bias ? &b : nullptr), 1e-4, 1e-4);
}

ConvCase random_case(std::mt19937& rng, size_t rank) {
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  ConvCase c;
  const size_t r = rank - 2;
  const int kind = static_cast<int>(pick(0, 2));  // 0: dense, 1: grouped, 2: depthwise
  // Channel counts that fill 8/16-channel blocks a third of the time (blocked layouts apply).
  const bool whole_blocks = pick(0, 2) == 0;
  const int64_t cg = kind == 2 ? 1 : whole_blocks && kind == 0 ? 16 : pick(1, 6);
  c.group = kind == 0 ? 1 : kind == 2 && whole_blocks ? 16 : pick(2, 4);
  c.m = c.group * (kind == 2 ? pick(1, 2) : whole_blocks && kind == 0 ? 8 * pick(1, 2) : pick(1, 6));
  c.x = {pick(1, 2), c.group * cg};
  for (size_t i = 0; i < r; ++i) c.x.push_back(pick(r == 3 ? 3 : 4, r == 3 ? 6 : 11));
  for (size_t i = 0; i < r; ++i) {
    c.kernel.push_back(pick(1, 3));
    c.strides.push_back(pick(1, 3));
    c.dilations.push_back(pick(1, 2));
  }
  c.pads.assign(2 * r, 0);
  for (auto& p : c.pads) p = pick(0, 2);
  const char* modes[] = {"NOTSET", "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"};
  c.auto_pad = modes[pick(0, 4)];
  c.bias = pick(0, 3) != 0;
  // Keep the (dilated) window inside the padded input.
  for (size_t i = 0; i < r; ++i) {
    while ((c.kernel[i] - 1) * c.dilations[i] + 1 > c.x[2 + i]) c.dilations[i] = 1, c.kernel[i] = 1;
  }
  return c;
}

TEST(Conv, Random2dAllLayouts) {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 60; ++iter) {
    ConvCase c = random_case(rng, 4);
    auto [in, out] = layout_pairs()[static_cast<size_t>(iter) % layout_pairs().size()];
    check_case(c, rng, in, out, iter % 3 != 0);
  }
}

TEST(Conv, Random1dAnd3d) {
  std::mt19937 rng(11);
  for (int iter = 0; iter < 30; ++iter) {
    ConvCase c = random_case(rng, iter % 2 ? 3 : 5);
    check_case(c, rng, runtime::Layout::kPlain, runtime::Layout::kPlain, iter % 2 == 0);
  }
}

TEST(Conv, FirstLayerThreeChannelsPlainInNhwcOut) {
  std::mt19937 rng(3);
  ConvCase c = square_case({1, 3, 23, 19}, 16, 7, 2, 3);
  for (auto out : {runtime::Layout::kNhwc, runtime::Layout::kNChw8c, runtime::Layout::kNChw16c}) {
    check_case(c, rng, runtime::Layout::kPlain, out, true);
  }
}

TEST(Conv, WideChannelsMultipleOfBlock) {
  std::mt19937 rng(5);
  for (int64_t ch : {16, 24, 32}) {
    ConvCase c;
    c.x = {1, ch, 7, 7};
    c.m = 16;
    c.kernel = {3, 3};
    c.strides = {1, 1};
    c.dilations = {1, 1};
    c.pads = {1, 1, 1, 1};
    for (auto [in, out] : layout_pairs()) check_case(c, rng, in, out, true);
    ConvCase dw = c;  // depthwise
    dw.group = ch;
    dw.m = ch;
    for (auto [in, out] : layout_pairs()) check_case(dw, rng, in, out, true);
  }
}

// A convolution in the session's blocked layout (3x3 in most tests), computing `slice` on `threads` OpenMP threads,
// run once into `y` (only the slice's part is written).
std::string run_blocked(const ConvCase& c, const std::vector<ir::Tensor>& inputs, runtime::Layout layout,
                            runtime::SliceSpec slice, int threads, ir::Tensor& y, runtime::Layout input_layout) {
  const ir::Node node = conv_node(c);
  runtime::KernelInit init{node, {}, 13, threads, layout};
  init.slice = slice;
  init.activation = runtime::FusedActivation::kRelu;
  for (size_t i = 0; i < inputs.size(); ++i) {
    runtime::TensorInfo info;
    info.dtype = ir::DataType::kFloat32;
    info.dims = inputs[i].dims();
    if (i == 0) info.layout = input_layout;  // random data: its layout does not matter
    if (i > 0) info.constant = &inputs[i];
    init.inputs.push_back(info);
  }
  std::unique_ptr<runtime::Kernel> kernel = runtime::find_kernel("Conv", "")(init);
  if (y.raw() == nullptr) y = ir::Tensor(ir::DataType::kFloat32, kernel->output_infos().at(0).dims);
  std::vector<ir::Tensor> out = {y};
  kernel->run(inputs, out);
  return kernel->implementation();
}

// Blocked 3x3 convolutions (ramiel's Winograd in nChw16c on AVX-512 CPUs and in nChw8c on AVX2
// ones, oneDNN's Winograd or direct convolution where it refuses) give a slice exactly the bits of the same channels of the whole node or refuse to slice,
// and several OpenMP threads the bits of one: the parallel plans and oneDNN-style threading rely on it.
TEST(Conv, BlockedSlicesAndThreadsGiveTheWholeKernelsBits) {
  std::mt19937 rng(21);
  const runtime::Layout layout = runtime::preferred_activation_layout();
  if (layout == runtime::Layout::kNhwc) GTEST_SKIP() << "NHWC activations: convolutions are not sliced";
  struct Shape {
    int64_t c, k, hw;
  };
  int compared = 0, refused = 0;
  for (Shape s : {Shape{16, 64, 12}, Shape{64, 64, 56}, Shape{128, 128, 28}, Shape{256, 256, 14}, Shape{160, 320, 14},
                  Shape{448, 384, 8}, Shape{32, 32, 80}, Shape{128, 192, 28}}) {
    const ConvCase c = square_case({1, s.c, s.hw, s.hw}, s.k, 3, 1, 1);
    const std::vector<ir::Tensor> inputs = {random_f32(c.x, rng), random_f32({s.k, s.c, 3, 3}, rng, -0.1f, 0.1f),
                                            random_f32({s.k}, rng)};
    for (runtime::Layout in : {layout, runtime::Layout::kPlain}) {
    ir::Tensor whole;
    const std::string impl = run_blocked(c, inputs, layout, {}, 1, whole, in);
    SCOPED_TRACE(std::to_string(s.c) + "->" + std::to_string(s.k) + " on " + std::to_string(s.hw) + "x" + std::to_string(s.hw) + ": " + impl);
    const size_t bytes = static_cast<size_t>(whole.size()) * sizeof(float);
    const int64_t blocks = s.k / (layout == runtime::Layout::kNChw16c ? 16 : 8);
    for (int count : {2, 3, 4, 6}) {
      if (count > blocks) continue;
      ir::Tensor parts;
      try {
        for (int k = 0; k < count; ++k) run_blocked(c, inputs, layout, {k, count}, 1, parts, in);
      } catch (const Error& e) {
        // Refusing is allowed (the node then runs whole), a slice with other bits is not.
        EXPECT_EQ(e.kind(), ErrorKind::kUnsupported) << e.what();
        ++refused;
        continue;
      }
      EXPECT_EQ(std::memcmp(parts.raw(), whole.raw(), bytes), 0) << count << " slices";
      ++compared;
    }
    for (int threads : {2, 3}) {
      ir::Tensor many;
      const std::string threaded = run_blocked(c, inputs, layout, {}, threads, many, in);
      EXPECT_EQ(std::memcmp(many.raw(), whole.raw(), bytes), 0) << threads << " threads: " << threaded;
      // oneDNN's jit_fp32_wino_2x3 on a small image runs as one output-channel slice per thread,
      // and so does ramiel's F(2x2, 3x3) on AVX-512 (which takes the small 3x3 ones there).
      if ((impl.starts_with("jit_fp32_wino_2x3") || impl == "ramiel_winograd_2x3:avx512") && s.hw <= 16 && blocks >= threads) {
        EXPECT_NE(threaded.find("slices on OpenMP threads"), std::string::npos) << threaded;
      }
    }
    }
  }
  // Most shapes split (only oneDNN's jit_wino_4x3 and slices that would change implementation refuse).
  EXPECT_GT(compared, refused) << compared << " sliced, " << refused << " refused";
}

// Blocked 1x1 convolutions of the zoo's shapes: a slice gives the bits of the same channels of the
// whole node or refuses (oneDNN's jit_1x1 picks how it splits the sum over input channels from the
// output channels it computes, so some slices would add in another order: resnet50's 256->1024 on
// 14x14 in slices of 256).
TEST(Conv, PointwiseSlicesGiveTheWholeKernelsBitsOrRefuse) {
  std::mt19937 rng(22);
  const runtime::Layout layout = runtime::preferred_activation_layout();
  if (layout == runtime::Layout::kNhwc) GTEST_SKIP() << "NHWC activations: convolutions are not sliced";
  struct Shape {
    int64_t c, k, hw;
  };
  int compared = 0;
  for (Shape s : {Shape{256, 1024, 14}, Shape{1024, 512, 14}, Shape{96, 576, 14}, Shape{64, 256, 56}, Shape{512, 128, 28}}) {
    const ConvCase c = square_case({1, s.c, s.hw, s.hw}, s.k, 1, 1, 0);
    const std::vector<ir::Tensor> inputs = {random_f32(c.x, rng), random_f32({s.k, s.c, 1, 1}, rng, -0.1f, 0.1f), random_f32({s.k}, rng)};
    ir::Tensor whole;
    const std::string impl = run_blocked(c, inputs, layout, {}, 1, whole, layout);
    SCOPED_TRACE(std::to_string(s.c) + "->" + std::to_string(s.k) + " on " + std::to_string(s.hw) + "x" + std::to_string(s.hw) + ": " + impl);
    for (int count : {2, 4}) {
      ir::Tensor parts;
      try {
        for (int k = 0; k < count; ++k) run_blocked(c, inputs, layout, {k, count}, 1, parts, layout);
      } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kUnsupported) << e.what();
        continue;
      }
      expect_same_bits(parts, whole);
      ++compared;
    }
  }
  EXPECT_GT(compared, 0);
}

// 1x7 and 7x1 convolutions (ramiel's F(2, 7) Winograd where the CPU has it) on several threads
// give the bits of one thread; the Winograd kernel runs as one output-channel slice per thread.
TEST(Conv, SevenTapWindowsOnThreadsGiveTheBitsOfOne) {
  std::mt19937 rng(22);
  const runtime::Layout layout = runtime::preferred_activation_layout();
  if (layout == runtime::Layout::kNhwc) GTEST_SKIP() << "NHWC activations: convolutions are not sliced";
  for (auto [kh, kw] : {std::pair<int64_t, int64_t>{1, 7}, {7, 1}}) {
    ConvCase c;
    c.x = {1, 128, 17, 17};
    c.m = 192;
    c.kernel = {kh, kw};
    c.strides = {1, 1};
    c.dilations = {1, 1};
    c.pads = {kh / 2, kw / 2, kh / 2, kw / 2};
    const std::vector<ir::Tensor> inputs = {random_f32(c.x, rng), random_f32({c.m, 128, kh, kw}, rng, -0.1f, 0.1f), random_f32({c.m}, rng)};
    ir::Tensor one;
    const std::string impl = run_blocked(c, inputs, layout, {}, 1, one, layout);
    SCOPED_TRACE(std::to_string(kh) + "x" + std::to_string(kw) + ": " + impl);
    for (int threads : {2, 3}) {
      ir::Tensor many;
      const std::string threaded = run_blocked(c, inputs, layout, {}, threads, many, layout);
      EXPECT_EQ(std::memcmp(many.raw(), one.raw(), static_cast<size_t>(one.size()) * sizeof(float)), 0) << threads << " threads";
      if (impl.starts_with("ramiel_winograd_1d")) {
        EXPECT_NE(threaded.find("slices on OpenMP threads"), std::string::npos) << threaded;
      }
    }
  }
}

// A CNN's first convolution, which reads the plain 3-channel image and writes the activation
// layout, runs on several threads as one output-channel slice per thread, with one thread's bits.
TEST(Conv, ImageConvolutionOnThreadsRunsAsSlicesWithTheBitsOfOne) {
  std::mt19937 rng(23);
  const runtime::Layout layout = runtime::preferred_activation_layout();
  if (layout == runtime::Layout::kNhwc) GTEST_SKIP() << "NHWC activations: convolutions are not sliced";
  ConvCase c = square_case({1, 3, 33, 33}, 32, 3, 2, 1);
  const std::vector<ir::Tensor> inputs = {random_f32(c.x, rng), random_f32({c.m, 3, 3, 3}, rng, -0.5f, 0.5f), random_f32({c.m}, rng)};
  ir::Tensor one;
  run_blocked(c, inputs, layout, {}, 1, one, runtime::Layout::kPlain);
  for (int threads : {2, 3}) {
    ir::Tensor many;
    const std::string threaded = run_blocked(c, inputs, layout, {}, threads, many, runtime::Layout::kPlain);
    if (threads == 2) {  // (3 threads: only 2 channel blocks to share, oneDNN's own threading)
      EXPECT_NE(threaded.find("slices on OpenMP threads"), std::string::npos) << threaded;
    }
    EXPECT_EQ(std::memcmp(many.raw(), one.raw(), static_cast<size_t>(one.size()) * sizeof(float)), 0) << threads << " threads";
  }
}

// A 3x3 convolution on a small image with one output channel block: too few blocks for one
// output slice per thread, so it runs whole on the threads (this once crashed: the Winograd
// factory declined the slices with nullptr), with the bits of one thread.
TEST(Conv, SmallImageWithOneChannelBlockOnThreadsRunsWholeWithTheBitsOfOne) {
  std::mt19937 rng(37);
  const runtime::Layout layout = runtime::preferred_activation_layout();
  if (layout == runtime::Layout::kNhwc) GTEST_SKIP() << "NHWC activations";
  ConvCase c = square_case({1, 16, 8, 8}, 16, 3, 1, 1);  // one nChw16c block (two nChw8c ones: tile blocks on AVX2 anyway)
  const std::vector<ir::Tensor> inputs = {random_f32(c.x, rng), random_f32({c.m, c.x[1], 3, 3}, rng, -0.5f, 0.5f), random_f32({c.m}, rng)};
  ir::Tensor one, two;
  run_blocked(c, inputs, layout, {}, 1, one, layout);
  const std::string threaded = run_blocked(c, inputs, layout, {}, 2, two, layout);
  EXPECT_EQ(threaded.find("slices on OpenMP threads"), std::string::npos) << threaded;
  if (runtime::winograd_available()) {
    EXPECT_NE(threaded.find("winograd"), std::string::npos) << threaded;
  }
  EXPECT_EQ(std::memcmp(two.raw(), one.raw(), static_cast<size_t>(one.size()) * sizeof(float)), 0);
}

TEST(Conv, OutputInfo) {
  ConvCase c;
  c.x = {1, 4, 10, 10};
  c.m = 8;
  c.kernel = {3, 3};
  c.strides = {2, 2};
  c.dilations = {1, 1};
  c.pads = {1, 1, 1, 1};
  auto infos = infos_of(conv_node(c), {ir::Tensor(ir::DataType::kFloat32, c.x), ir::Tensor(ir::DataType::kFloat32, {8, 4, 3, 3})});
  EXPECT_EQ(infos.at(0).dims, (ir::Dims{1, 8, 5, 5}));
  EXPECT_EQ(infos.at(0).dtype, ir::DataType::kFloat32);
}

TEST(Conv, Errors) {
  ConvCase c;
  c.x = {1, 4, 10, 10};
  c.kernel = {3, 3};
  c.strides = {1, 1};
  c.dilations = {1, 1};
  c.pads = {0, 0, 0, 0};
  ir::Tensor x(ir::DataType::kFloat32, c.x);
  // W's input channels do not match X.
  EXPECT_EQ(error_kind([&] { infos_of(conv_node(c), {x, ir::Tensor(ir::DataType::kFloat32, {2, 3, 3, 3})}); }),
            ErrorKind::kInvalidModel);
  // Groups that do not divide the channels.
  ConvCase g = c;
  g.group = 3;
  EXPECT_EQ(error_kind([&] { infos_of(conv_node(g), {x, ir::Tensor(ir::DataType::kFloat32, {3, 1, 3, 3})}); }),
            ErrorKind::kInvalidModel);
  // A window larger than the input.
  ConvCase big = c;
  big.kernel = {12, 12};
  EXPECT_EQ(error_kind([&] { infos_of(conv_node(big), {x, ir::Tensor(ir::DataType::kFloat32, {2, 4, 12, 12})}); }),
            ErrorKind::kInvalidModel);
  // Element types other than float.
  EXPECT_EQ(error_kind([&] {
              infos_of(conv_node(c), {ir::Tensor(ir::DataType::kFloat16, c.x), ir::Tensor(ir::DataType::kFloat16, {2, 4, 3, 3})});
            }),
            ErrorKind::kUnsupported);
}

}  // namespace
}  // namespace ramiel::testing
