// Serial latency of one model under session variants, in one process with alternating runs (the
// only comparison that survives this machine's noise): the default pipeline, without the pruning
// passes, without fusion, with Concats copying their inputs, with oneDNN's direct convolution
// instead of ramiel's Winograd kernel (RAMIEL_NO_WINOGRAD=1), with oneDNN's matmul instead of
// ramiel's packed GEMM (RAMIEL_NO_PACKED_GEMM=1), and with ramiel's own loops in their baseline
// (SSE2) build instead of the AVX2 build that a CPU with AVX2 runs (RAMIEL_NO_AVX2=1: this also
// turns off the Winograd kernel and the packed GEMM, which need AVX2).
//
//   build/bench/session/session_variants_bench MODEL_DIR... [--repeat N]
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

void bench_model(const std::filesystem::path& dir, int repeat) {
  ir::Graph raw = ir::import_onnx_file((dir / "model.onnx").string());
  ir::Graph pruned = raw;
  passes::pruning_pipeline().run(pruned);
  std::vector<ir::Tensor> inputs;
  for (size_t i = 0; i < raw.inputs().size(); ++i) {
    inputs.push_back(ir::load_tensor_file((dir / "test_data_set_0" / fmt::format("input_{}.pb", i)).string()).tensor);
  }
  runtime::SessionOptions unfused;
  unfused.fuse_activations = false;
  runtime::SessionOptions copying;
  copying.concat_in_place = false;
  runtime::Session base(pruned), no_prune(raw), no_fuse(pruned, unfused), concat_copies(pruned, copying);
  runtime::set_winograd_enabled(false);  // read when kernels are created, like the AVX2 switch
  runtime::Session onednn_conv(pruned);
  runtime::set_winograd_enabled(true);
  runtime::gemm::set_packed_gemm_enabled(false);
  runtime::Session onednn_matmul(pruned);
  runtime::gemm::set_packed_gemm_enabled(true);
  const bool avx2 = runtime::cpu::use_avx2();
  runtime::cpu::set_avx2_enabled(false);  // kernels read it when they are created
  runtime::Session baseline_loops(pruned);
  runtime::cpu::set_avx2_enabled(avx2);
  constexpr int kVariants = 7;
  runtime::Session* sessions[kVariants] = {&base, &no_prune, &no_fuse, &concat_copies, &onednn_conv, &onednn_matmul, &baseline_loops};
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
                                st.fused_activations + st.fused_biases + st.fused_residuals + st.fused_layer_norms,
                                st.concats_in_place, b);
  for (int v = 1; v < kVariants; ++v) {
    const double m = median(ms[v]);
    row += v == kVariants - 1 && !avx2 ? " (no AVX2 here) |" : fmt::format(" {:.2f} ({:+.1f}%) |", m, 100 * (m / b - 1));
  }
  fmt::print("{}\n", row);
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 20;
  std::vector<std::string> dirs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::stoi(argv[++i]));
    } else {
      dirs.push_back(a);
    }
  }
  if (dirs.empty()) {
    fmt::print(stderr, "usage: session_variants_bench MODEL_DIR... [--repeat N]\n");
    return 2;
  }
  fmt::print(
      "| model | nodes (imported -> pruned) | fused activations, biases, residuals and LayerNorms | Concats in place | default ms | "
      "without pruning ms | without fusion ms | Concats copying ms | oneDNN convolutions (no Winograd) ms | oneDNN matmul (no packed GEMM) ms | "
      "baseline loops (no AVX2) ms |\n");
  fmt::print("|---|---|---|---|---|---|---|---|---|---|---|\n");
  try {
    for (const auto& d : dirs) bench_model(d, repeat);
  } catch (const ramiel::Error& e) {
    fmt::print(stderr, "session_variants_bench: {}\n", e.what());
    return 1;
  }
  return 0;
}
