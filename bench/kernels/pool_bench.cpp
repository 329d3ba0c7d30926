// MaxPool and AveragePool on the zoo's shapes, in the session's activation layout: ramiel's own
// loops against oneDNN's pooling on one thread, and on T threads (--threads, default 2) oneDNN's
// own threading against one channel slice per OpenMP thread (slices on oneDNN and on the loops).
// Alternating rounds in one process; prints medians in ms.
//
//   ninja -C build pool_bench && build/bench/kernels/pool_bench [--runs N] [--rounds R] [--threads T]
#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "kernel_bench_support.h"
#include "runtime/kernel.h"
#include "runtime/kernels/pool.h"
#include "runtime/kernels/registry.h"
#include "runtime/kernels/thread_slices.h"
#include "runtime/layout.h"

namespace {

using ramiel::ir::Tensor;
namespace rt = ramiel::runtime;
using ramiel::bench::ints;
using ramiel::bench::median;
using ramiel::bench::one_int;
using ramiel::bench::random_tensor;

struct Shape {
  const char* where;
  bool max;
  int64_t c, h, w, k, s, pad;
  bool ceil = false, include_pad = false;
};

// The distinct pools of the zoo models (torchvision exports; inception_v3's average pools as the
// session runs them, their Pad fused).
const std::vector<Shape> kShapes = {
    {"squeezenet pool1", true, 96, 109, 109, 3, 2, 0, true},   {"squeezenet pool2", true, 256, 54, 54, 3, 2, 0, true},
    {"squeezenet pool3", true, 512, 27, 27, 3, 2, 0, true},    {"googlenet maxpool1", true, 64, 112, 112, 3, 2, 0, true},
    {"googlenet maxpool2", true, 192, 56, 56, 3, 2, 0, true},  {"googlenet 3a branch4", true, 192, 28, 28, 3, 1, 1, true},
    {"googlenet maxpool3", true, 480, 28, 28, 3, 2, 0, true},  {"googlenet 4e branch4", true, 528, 14, 14, 3, 1, 1, true},
    {"googlenet maxpool4", true, 832, 14, 14, 2, 2, 0, true},  {"googlenet 5b branch4", true, 832, 7, 7, 3, 1, 1, true},
    {"inception maxpool1", true, 64, 147, 147, 3, 2, 0},       {"inception maxpool2", true, 192, 71, 71, 3, 2, 0},
    {"inception 5b pool", false, 192, 35, 35, 3, 1, 1, false, true}, {"inception 6a pool", true, 288, 35, 35, 3, 2, 0},
    {"inception 6b pool", false, 768, 17, 17, 3, 1, 1, false, true}, {"inception 7b pool", false, 1280, 8, 8, 3, 1, 1, false, true},
    {"resnet50 maxpool", true, 64, 112, 112, 3, 2, 1},
};

}  // namespace

int main(int argc, char** argv) {
  ramiel::bench::BenchFlags flags;
  flags.threads = 2;
  if (!ramiel::bench::parse_bench_flags(argc, argv, false, flags)) {
    fmt::print(stderr, "usage: pool_bench [--runs N] [--rounds R] [--threads T]\n");
    return 2;
  }
  std::mt19937 rng(1);
  const rt::Layout layout = rt::preferred_activation_layout();
  const int t = flags.threads;
  fmt::print("activations {}; ms, median of {} runs x {} rounds\n\n", rt::to_string(layout), flags.runs, flags.rounds);
  fmt::print("| pool | CxHxW | loops 1t | oneDNN 1t | oneDNN {}t | {} oneDNN slices | {} loop slices | session runs 1t / {}t |\n", t, t, t, t);
  fmt::print("|---|---|---|---|---|---|---|---|\n");
  for (const Shape& s : kShapes) {
    ramiel::ir::Node node;
    node.name = s.where;
    node.op_type = s.max ? "MaxPool" : "AveragePool";
    node.attributes["kernel_shape"] = ints({s.k, s.k});
    node.attributes["strides"] = ints({s.s, s.s});
    node.attributes["pads"] = ints({s.pad, s.pad, s.pad, s.pad});
    node.attributes["ceil_mode"] = one_int(s.ceil);
    if (!s.max) node.attributes["count_include_pad"] = one_int(s.include_pad);
    const std::vector<Tensor> inputs = {random_tensor({1, s.c, s.h, s.w}, rng)};
    struct Variant {
      rt::PoolCode code;
      int threads;
      bool sliced;
      std::unique_ptr<rt::Kernel> kernel;
      std::vector<Tensor> outputs;
      std::vector<double> ms;
    };
    std::vector<Variant> variants;
    for (auto [code, threads, sliced] : {std::tuple{rt::PoolCode::kLoops, 1, false}, {rt::PoolCode::kOneDnn, 1, false},
                                         {rt::PoolCode::kOneDnn, t, false}, {rt::PoolCode::kOneDnn, t, true},
                                         {rt::PoolCode::kLoops, t, true}, {rt::PoolCode::kAuto, 1, true},
                                         {rt::PoolCode::kAuto, t, true}}) {
      rt::set_pool_code(code);
      rt::set_thread_slices_enabled(sliced);
      rt::KernelInit init{node, {}, 13, threads, layout};
      rt::TensorInfo info;
      info.dtype = ramiel::ir::DataType::kFloat32;
      info.dims = inputs[0].dims();
      info.layout = layout;
      init.inputs.push_back(info);
      Variant v{code, threads, sliced, rt::find_kernel(node.op_type, "")(init), {}, {}};
      for (const auto& o : v.kernel->output_infos()) v.outputs.emplace_back(o.dtype, o.dims);
      variants.push_back(std::move(v));
    }
    rt::set_pool_code(rt::PoolCode::kAuto);
    rt::set_thread_slices_enabled(true);
    for (int r = 0; r < flags.rounds; ++r) {
      for (Variant& v : variants) {
        for (int i = 0; i < flags.runs; ++i) {
          const auto start = std::chrono::steady_clock::now();
          v.kernel->run(inputs, v.outputs);
          v.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
      }
    }
    fmt::print("| {} {} | {}x{}x{} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} / {:.3f} |\n", s.where,
               s.max ? "max" : "avg", s.c, s.h, s.w, median(variants[0].ms), median(variants[1].ms), median(variants[2].ms),
               median(variants[3].ms), median(variants[4].ms), median(variants[5].ms), median(variants[6].ms));
  }
  return 0;
}
