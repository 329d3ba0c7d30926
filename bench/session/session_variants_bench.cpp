// Serial latency of one model under session variants, in one process with alternating runs (the
// only comparison that survives this machine's noise): the default pipeline, without the pruning
// passes, and without Conv+activation fusion.
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
  runtime::Session base(pruned), no_prune(raw), no_fuse(pruned, unfused);
  runtime::Session* sessions[] = {&base, &no_prune, &no_fuse};
  std::vector<double> ms[3];
  for (int i = 0; i < 3; ++i) {
    for (auto* s : sessions) s->run(inputs);
  }
  for (int i = 0; i < repeat; ++i) {
    for (int v = 0; v < 3; ++v) ms[v].push_back(time_run(*sessions[v], inputs));
  }
  const double b = median(ms[0]), p = median(ms[1]), f = median(ms[2]);
  fmt::print("| {} | {} -> {} | {} | {:.2f} | {:.2f} ({:+.1f}%) | {:.2f} ({:+.1f}%) |\n", dir.filename().string(), live_nodes(raw),
             live_nodes(pruned), base.stats().fused_activations + base.stats().fused_biases + base.stats().fused_residuals + base.stats().fused_layer_norms, b, p, 100 * (p / b - 1), f, 100 * (f / b - 1));
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
  fmt::print("| model | nodes (imported -> pruned) | fused activations, biases, residuals and LayerNorms | default ms | without pruning ms | without fusion ms |\n");
  fmt::print("|---|---|---|---|---|---|\n");
  try {
    for (const auto& d : dirs) bench_model(d, repeat);
  } catch (const ramiel::Error& e) {
    fmt::print(stderr, "session_variants_bench: {}\n", e.what());
    return 1;
  }
  return 0;
}
