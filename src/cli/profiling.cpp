#include "cli/profiling.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "cli/model_inputs.h"
#include "runtime/session.h"

namespace ramiel::cli {

cost::MeasuredCosts profile_graph(const ir::Graph& graph, const std::string& model_path, int runs, int warmup, bool progress) {
  runtime::SessionOptions so;
  so.input_dims = concrete_input_dims(graph, nullptr);
  runtime::Session session(graph, so);
  std::vector<ir::Tensor> inputs;
  for (size_t i = 0; i < session.inputs().size(); ++i) {
    inputs.push_back(random_tensor(session.inputs()[i].dtype, session.inputs()[i].dims, 4321 + i));
  }
  for (int i = 0; i < warmup; ++i) session.run(inputs);
  std::map<std::string, std::vector<double>> samples;
  for (int r = 0; r < runs; ++r) {
    std::vector<runtime::StepProfile> profile;
    session.run_profiled(inputs, profile);
    std::map<std::string, double> per_node;
    for (const auto& step : profile) per_node[step.node] += step.ms;
    for (const auto& [node, ms] : per_node) samples[node].push_back(ms);
    if (progress) {
      int width = 30, done = (r + 1) * width / runs;
      fmt::print(stderr, "\rprofiling [{}{}] {}/{}", std::string(static_cast<size_t>(done), '#'),
                 std::string(static_cast<size_t>(width - done), '.'), r + 1, runs);
    }
  }
  if (progress) fmt::print(stderr, "\n");
  cost::MeasuredCosts costs;
  costs.model = model_path;
  costs.machine = cost::machine_description();
  costs.runs = runs;
  for (auto& [node, v] : samples) {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    costs.node_ms[node] = v[v.size() / 2];
  }
  std::vector<double> measured(graph.nodes().size(), -1.0);
  for (const ir::Node& n : graph.nodes()) {
    auto it = costs.node_ms.find(n.name);
    if (!n.removed && it != costs.node_ms.end()) measured[static_cast<size_t>(n.id)] = it->second;
  }
  costs.calibrated = cost::calibrate(graph, measured);
  return costs;
}

std::string profile_cache_path(const std::string& model_path, const std::string& variant) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path abs = fs::absolute(model_path, ec);
  auto size = fs::file_size(model_path, ec);
  auto mtime = fs::last_write_time(model_path, ec).time_since_epoch().count();
  std::string key = fmt::format("{}|{}|{}|{}|{}", abs.string(), size, mtime, cost::machine_description(), variant);
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  fs::path dir = xdg && *xdg ? fs::path(xdg) / "ramiel" : fs::path(home ? home : "/tmp") / ".cache" / "ramiel";
  return (dir / fmt::format("{}-{:016x}.json", abs.parent_path().filename().string(), h)).string();
}

}  // namespace ramiel::cli
