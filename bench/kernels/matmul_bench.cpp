// MatMul with constant weights on BERT-base's shapes (batch 1, 128 tokens) and an 8-row one: ramiel's packed GEMM
// against oneDNN's matmul (gemm:jit on AVX2), one thread, alternating rounds in one process;
// --cold walks 64 MiB before every run (a model's weights come from memory).
//
//   ninja -C build matmul_bench && build/bench/kernels/matmul_bench [--runs N] [--rounds R] [--threads T] [--cold]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/kernel.h"
#include "runtime/kernels/packed_gemm.h"
#include "runtime/kernels/registry.h"
#include "kernel_bench_support.h"

namespace {

using ramiel::ir::DataType;
using ramiel::ir::Tensor;
namespace rt = ramiel::runtime;
using ramiel::bench::median;
using ramiel::bench::random_tensor;

struct Shape {
  const char* where;
  int64_t m, k, n;
  rt::FusedActivation activation;
};

const std::vector<Shape> kShapes = {
    {"bert query/key/value/output", 128, 768, 768, rt::FusedActivation::kNone},
    {"bert intermediate (GELU)", 128, 768, 3072, rt::FusedActivation::kGeluErf},
    {"bert output", 128, 3072, 768, rt::FusedActivation::kNone},
    {"8 rows", 8, 1024, 1024, rt::FusedActivation::kNone},
};

}  // namespace

int main(int argc, char** argv) {
  ramiel::bench::BenchFlags flags;
  if (!ramiel::bench::parse_bench_flags(argc, argv, true, flags)) {
    fmt::print(stderr, "usage: matmul_bench [--runs N] [--rounds R] [--threads T] [--cold]\n");
    return 2;
  }
  const int runs = flags.runs, rounds = flags.rounds;
  ramiel::bench::CacheEvictor evict(flags.cold);
  std::mt19937 rng(1);
  if (!rt::gemm::packed_gemm_available()) {
    // MatMul then keeps oneDNN's GEMM (AVX-512 CPUs: twice as wide as the packed GEMM's AVX2).
    fmt::print("The packed GEMM is not used on this CPU (or is turned off): both columns are oneDNN.\n\n");
  }
  fmt::print("| MatMul | M x K x N | oneDNN ms | ramiel ms | ratio | oneDNN GFLOP/s | ramiel GFLOP/s |\n|---|---|---|---|---|---|---|\n");
  for (const Shape& s : kShapes) {
    ramiel::ir::Node node;
    node.name = s.where;
    node.op_type = "MatMul";
    std::vector<Tensor> inputs = {random_tensor({1, s.m, s.k}, rng), random_tensor({s.k, s.n}, rng)};
    const Tensor bias = random_tensor({s.n}, rng);
    auto prepare = [&](bool own) {
      rt::gemm::set_packed_gemm_enabled(own);
      rt::KernelInit init{node, {}, 13, flags.threads, rt::Layout::kPlain};
      for (size_t i = 0; i < inputs.size(); ++i) {
        rt::TensorInfo info;
        info.dtype = DataType::kFloat32;
        info.dims = inputs[i].dims();
        if (i == 1) info.constant = &inputs[i];
        init.inputs.push_back(info);
      }
      init.bias = &bias;
      init.activation = s.activation;
      return rt::find_kernel("MatMul", "")(init);
    };
    auto direct = prepare(false), own = prepare(true);
    std::vector<Tensor> out_direct = {Tensor(DataType::kFloat32, {1, s.m, s.n})}, out_own = {Tensor(DataType::kFloat32, {1, s.m, s.n})};
    auto time = [&](rt::Kernel& kernel, std::vector<Tensor>& out) {
      evict();
      const auto start = std::chrono::steady_clock::now();
      kernel.run(inputs, out);
      return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    };
    std::vector<double> d_ms, o_ms;
    for (int r = 0; r < rounds; ++r) {
      for (int i = 0; i < runs; ++i) d_ms.push_back(time(*direct, out_direct));
      for (int i = 0; i < runs; ++i) o_ms.push_back(time(*own, out_own));
    }
    const double d = median(d_ms), o = median(o_ms), gflop = 2.0 * static_cast<double>(s.m * s.k * s.n) * 1e-9;
    fmt::print("| {} | {}x{}x{} | {:.3f} | {:.3f} | {:.2f} | {:.1f} | {:.1f} |\n", s.where, s.m, s.k, s.n, d, o, o / d, gflop / d * 1e3,
               gflop / o * 1e3);
  }
  return 0;
}
