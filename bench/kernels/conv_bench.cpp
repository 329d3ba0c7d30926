// 3x3, 5x5, 1x7, 7x1, 1x3 and 3x1 convolutions (and 3x3 stride-2 ones) on the zoo's shapes: the Winograd kernel (ramiel's own on AVX2 CPUs,
// oneDNN's on AVX-512 ones) against oneDNN's direct convolution, both on the session's activation
// layout (nChw8c or nChw16c) with a fused Relu as the session runs them, one thread, alternating
// rounds in one process. Prints medians and the ratio; with --cold a 64 MiB buffer is
// walked before every run, as the other layers of a model would evict the weights.
//
//   ninja -C build conv_bench && build/bench/kernels/conv_bench [--runs N] [--rounds R] [--threads T] [--cold]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/kernel.h"
#include "runtime/kernels/conv_winograd.h"
#include "runtime/layout.h"
#include "runtime/kernels/registry.h"
#include "kernel_bench_support.h"

namespace {

using ramiel::ir::DataType;
using ramiel::ir::Tensor;
namespace rt = ramiel::runtime;
using ramiel::bench::ints;
using ramiel::bench::median;
using ramiel::bench::random_tensor;

struct Shape {
  const char* where;
  int64_t c, k, h, w, pad;
  int64_t kh = 3, kw = 3;  // window (pads: `pad` on each side of a 3-wide dim, 3 of a 7-wide one)
  int64_t stride = 1;
};

// Convolutions of the zoo models (torchvision exports): stride 1 unless named s2.
const std::vector<Shape> kShapes = {
    {"resnet50 layer1", 64, 64, 56, 56, 1},      {"resnet50 layer2", 128, 128, 28, 28, 1},
    {"resnet50 layer3", 256, 256, 14, 14, 1},    {"resnet50 layer4", 512, 512, 7, 7, 1},
    {"googlenet conv3", 64, 192, 56, 56, 1},     {"googlenet 3b", 128, 192, 28, 28, 1},
    {"googlenet 4e", 160, 320, 14, 14, 1},       {"googlenet 5b", 192, 384, 7, 7, 1},
    {"googlenet 3a", 96, 128, 28, 28, 1},        {"googlenet 4a", 96, 208, 14, 14, 1},
    {"googlenet 4b", 112, 224, 14, 14, 1},       {"googlenet 4c", 128, 256, 14, 14, 1},
    {"googlenet 4d", 144, 288, 14, 14, 1},       {"googlenet 5a", 160, 320, 7, 7, 1},
    {"inception 2a", 32, 32, 149, 149, 0},       {"inception 2b", 32, 64, 147, 147, 1},
    {"inception 4a", 80, 192, 73, 73, 0},        {"inception 5b dbl", 64, 96, 35, 35, 1},
    {"inception 7b dbl", 448, 384, 8, 8, 1},     {"squeezenet fire2", 16, 64, 55, 55, 1},
    {"squeezenet fire4", 32, 128, 27, 27, 1},    {"squeezenet fire9", 64, 256, 13, 13, 1},
    {"inception 6b 1x7", 128, 128, 17, 17, 0, 1, 7}, {"inception 6b 7x1", 128, 192, 17, 17, 0, 7, 1},
    {"inception 6e 1x7", 192, 192, 17, 17, 0, 1, 7}, {"inception 7a 7x1", 192, 192, 17, 17, 0, 7, 1},
    {"inception 7b 1x3", 384, 384, 8, 8, 1, 1, 3},   {"inception 7b 3x1", 384, 384, 8, 8, 1, 3, 1},
    {"resnet50 layer2.0 s2", 128, 128, 56, 56, 1, 3, 3, 2}, {"resnet50 layer3.0 s2", 256, 256, 28, 28, 1, 3, 3, 2},
    {"resnet50 layer4.0 s2", 512, 512, 14, 14, 1, 3, 3, 2}, {"inception 6a s2", 288, 384, 35, 35, 0, 3, 3, 2},
    {"inception 7a s2", 192, 320, 17, 17, 0, 3, 3, 2}, {"inception 5b 5x5", 48, 64, 35, 35, 2, 5, 5},
};

struct Prepared {
  std::unique_ptr<rt::Kernel> kernel;
  std::vector<Tensor> outputs;
  std::string implementation;  // what runs (oneDNN's name, or ramiel's Winograd)
};

double milliseconds_of(Prepared& p, const std::vector<Tensor>& inputs, ramiel::bench::CacheEvictor& evict) {
  evict();
  const auto start = std::chrono::steady_clock::now();
  p.kernel->run(inputs, p.outputs);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  ramiel::bench::BenchFlags flags;
  if (!ramiel::bench::parse_bench_flags(argc, argv, true, flags)) {
    fmt::print(stderr, "usage: conv_bench [--runs N] [--rounds R] [--threads T] [--cold]\n");
    return 2;
  }
  const int runs = flags.runs, rounds = flags.rounds;
  ramiel::bench::CacheEvictor evict(flags.cold);
  std::mt19937 rng(1);
  const rt::Layout layout = rt::preferred_activation_layout();
  fmt::print("activations {}, {} thread(s) per kernel\n\n", rt::to_string(layout), flags.threads);
  fmt::print("| convolution | C->K | HxW | direct ms | Winograd ms | ratio | direct GFLOP/s | Winograd GFLOP/s* | Winograd kernel |\n|---|---|---|---|---|---|---|---|---|\n");
  for (const Shape& s : kShapes) {
    ramiel::ir::Node node;
    node.name = s.where;
    node.op_type = "Conv";
    const int64_t pad_h = s.kh == 3 ? s.pad : s.kh / 2, pad_w = s.kw == 3 ? s.pad : s.kw / 2;  // 5x5 and 1-D: keep the size
    node.attributes["kernel_shape"] = ints({s.kh, s.kw});
    node.attributes["pads"] = ints({pad_h, pad_w, pad_h, pad_w});
    node.attributes["strides"] = ints({s.stride, s.stride});
    std::vector<Tensor> inputs = {random_tensor({1, s.c, s.h, s.w}, rng), random_tensor({s.k, s.c, s.kh, s.kw}, rng),
                                  random_tensor({s.k}, rng)};
    auto prepare = [&](bool winograd) {
      rt::set_winograd_enabled(winograd);
      rt::KernelInit init{node, {}, 13, flags.threads, layout};
      for (size_t i = 0; i < inputs.size(); ++i) {
        rt::TensorInfo info;
        info.dtype = DataType::kFloat32;
        info.dims = inputs[i].dims();
        if (i == 0) info.layout = layout;  // random data: its layout does not matter
        if (i > 0) info.constant = &inputs[i];
        init.inputs.push_back(info);
      }
      init.activation = rt::FusedActivation::kRelu;
      Prepared p;
      p.kernel = rt::find_kernel("Conv", "")(init);
      p.implementation = p.kernel->implementation();
      for (const auto& o : p.kernel->output_infos()) p.outputs.emplace_back(o.dtype, o.dims);
      return p;
    };
    Prepared direct = prepare(false), winograd = prepare(true);
    std::vector<double> direct_ms, winograd_ms;
    for (int r = 0; r < rounds; ++r) {
      for (int i = 0; i < runs; ++i) direct_ms.push_back(milliseconds_of(direct, inputs, evict));
      for (int i = 0; i < runs; ++i) winograd_ms.push_back(milliseconds_of(winograd, inputs, evict));
    }
    const double d = median(direct_ms), w = median(winograd_ms);
    const int64_t oh = (s.h + 2 * pad_h - s.kh) / s.stride + 1, ow = (s.w + 2 * pad_w - s.kw) / s.stride + 1;
    const double gflop = 2.0 * static_cast<double>(s.c * s.k * s.kh * s.kw * oh * ow) * 1e-9;
    fmt::print("| {} | {}->{} | {}x{} | {:.3f} | {:.3f} | {:.2f} | {:.1f} | {:.1f} | {} |\n", s.where, s.c, s.k, oh, ow, d, w,
               w / d, gflop / d * 1e3, gflop / w * 1e3,
               winograd.implementation == direct.implementation ? "none: " + direct.implementation : winograd.implementation);
  }
  fmt::print("\n* direct-convolution FLOPs over Winograd's time (its effective rate).\n");
  return 0;
}
