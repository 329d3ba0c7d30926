// Serial latency of one model under session variants, in one process with alternating runs (the
// only comparison that survives this machine's noise): the default pipeline, without the pruning
// passes, without fusion, with Concats copying their inputs, with oneDNN's direct convolution
// instead of ramiel's Winograd kernel (RAMIEL_NO_WINOGRAD=1), with oneDNN's matmul instead of
// ramiel's packed GEMM (RAMIEL_NO_PACKED_GEMM=1), and with ramiel's own loops in their baseline
// (SSE2) build instead of the AVX2 build that a CPU with AVX2 runs (RAMIEL_NO_AVX2=1: this also
// turns off the Winograd kernel and the packed GEMM, which need AVX2), without thread slices (each
// kernel on its own threading; only with --threads above 1), and with pools on ramiel's own loops
// instead of oneDNN's where oneDNN runs AVX-512 (PoolCode::kLoops).
//
// --threads T runs every session in serial order with T OpenMP threads per kernel (what `ramiel
// run --threading onednn` runs); the default is one.
//
//   build/bench/session/session_variants_bench MODEL_DIR... [--repeat N] [--threads T]
//
// MODEL_DIR holds model.onnx and test_data_set_0/input_K.pb (the zoo's layout). Prints one line
// per model: node counts and the median of each variant.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "ir/onnx_import.h"
#include "ir/tensor_proto.h"
#include "passes/pipeline.h"
#include "ramiel/error.h"
#include "runtime/kernels/conv_winograd.h"
#include "runtime/kernels/cpu_features.h"
#include "runtime/kernels/packed_gemm.h"
#include "runtime/kernels/pool.h"
#include "runtime/kernels/thread_slices.h"
#include "runtime/session.h"

namespace {

using namespace ramiel;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double time_run(runtime::Session& session, const std::vector<ir::Tensor>& inputs) {
  auto t0 = std::chrono::steady_clock::now();
  session.run(inputs);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

size_t live_nodes(const ir::Graph& g) {
  return static_cast<size_t>(std::count_if(g.nodes().begin(), g.nodes().end(), [](const ir::Node& n) { return !n.removed; }));
}

void bench_model(const std::filesystem::path& dir, int repeat, int threads) {
  ir::Graph raw = ir::import_onnx_file((dir / "model.onnx").string());
  ir::Graph pruned = raw;
  passes::pruning_pipeline().run(pruned);
  std::vector<ir::Tensor> inputs;
  for (size_t i = 0; i < raw.inputs().size(); ++i) {
    inputs.push_back(ir::load_tensor_file((dir / "test_data_set_0" / fmt::format("input_{}.pb", i)).string()).tensor);
  }
  runtime::SessionOptions options;
  options.kernel_threads = threads;
  runtime::SessionOptions unfused = options;
  unfused.fuse_activations = false;
  runtime::SessionOptions copying = options;
  copying.concat_in_place = false;
  runtime::Session base(pruned, options), no_prune(raw, options), no_fuse(pruned, unfused), concat_copies(pruned, copying);
  runtime::set_winograd_enabled(false);  // read when kernels are created, like the other switches
  runtime::Session onednn_conv(pruned, options);
  runtime::set_winograd_enabled(true);
  runtime::gemm::set_packed_gemm_enabled(false);
  runtime::Session onednn_matmul(pruned, options);
  runtime::gemm::set_packed_gemm_enabled(true);
  const bool avx2 = runtime::cpu::use_avx2();
  runtime::cpu::set_avx2_enabled(false);
  runtime::Session baseline_loops(pruned, options);
  runtime::cpu::set_avx2_enabled(avx2);
  runtime::set_thread_slices_enabled(false);
  runtime::Session no_thread_slices(pruned, options);
  runtime::set_thread_slices_enabled(true);
  runtime::set_pool_code(runtime::PoolCode::kLoops);
  runtime::Session pool_loops(pruned, options);
  runtime::set_pool_code(runtime::PoolCode::kAuto);
  constexpr int kVariants = 9;
  runtime::Session* sessions[kVariants] = {&base,          &no_prune,      &no_fuse,          &concat_copies, &onednn_conv,
                                           &onednn_matmul, &baseline_loops, &no_thread_slices, &pool_loops};
  std::vector<double> ms[kVariants];
  for (int i = 0; i < 3; ++i) {
    for (auto* s : sessions) s->run(inputs);
  }
  for (int i = 0; i < repeat; ++i) {
    for (int v = 0; v < kVariants; ++v) ms[v].push_back(time_run(*sessions[v], inputs));
  }
  const double b = median(ms[0]);
  const runtime::ProgramStats& st = base.stats();
  std::string row = fmt::format("| {} | {} -> {} | {} | {} | {:.2f} |", dir.filename().string(), live_nodes(raw), live_nodes(pruned),
                                st.fused_activations + st.fused_biases + st.fused_residuals + st.fused_layer_norms + st.fused_transposes +
                                    st.fused_scales,
                                st.concats_in_place, b);
  for (int v = 1; v < kVariants; ++v) {
    const double m = median(ms[v]);
    if (v == 6 && !avx2) {
      row += " (no AVX2 here) |";
    } else if (v == 7 && threads == 1) {
      row += " (one thread) |";
    } else {
      row += fmt::format(" {:.2f} ({:+.1f}%) |", m, 100 * (m / b - 1));
    }
  }
  fmt::print("{}\n", row);
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 20, threads = 1;
  std::vector<std::string> dirs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::stoi(argv[++i]));
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::max(1, std::stoi(argv[++i]));
    } else {
      dirs.push_back(a);
    }
  }
  if (dirs.empty()) {
    fmt::print(stderr, "usage: session_variants_bench MODEL_DIR... [--repeat N] [--threads T]\n");
    return 2;
  }
  fmt::print(
      "| model | nodes (imported -> pruned) | fused activations, biases, residuals, LayerNorms, Transposes and scalings | Concats in place | default ms | "
      "without pruning ms | without fusion ms | Concats copying ms | oneDNN convolutions (no Winograd) ms | oneDNN matmul (no packed GEMM) ms | "
      "baseline loops (no AVX2) ms | no thread slices ms | pools on ramiel's loops ms |\n");
  fmt::print("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  try {
    for (const auto& d : dirs) bench_model(d, repeat, threads);
  } catch (const ramiel::Error& e) {
    fmt::print(stderr, "session_variants_bench: {}\n", e.what());
    return 1;
  }
  return 0;
}
