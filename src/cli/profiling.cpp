#include "cli/profiling.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include "cli/model_inputs.h"
#include "runtime/session.h"
#include "runtime/slicing.h"

namespace ramiel::cli {

namespace {

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// A progress bar on stderr, redrawn in place: `done` of `total` runs.
void show_progress(const std::string& label, int done, int total) {
  const int width = 30, filled = done * width / total;
  fmt::print(stderr, "\rprofiling {:<9} [{}{}] {}/{}", label, std::string(static_cast<size_t>(filled), '#'),
             std::string(static_cast<size_t>(width - filled), '.'), done, total);
}

// Runs `session` `runs` times after `warmup` and returns per (node, slice) the median time of its
// steps (a node's layout conversions count with slice 0).
std::map<std::pair<std::string, int>, double> profile_session(runtime::Session& session, int runs, int warmup,
                                                              const std::string& label, bool progress) {
  std::vector<ir::Tensor> inputs;
  for (size_t i = 0; i < session.inputs().size(); ++i) {
    inputs.push_back(random_tensor(session.inputs()[i].dtype, session.inputs()[i].dims, 4321 + i));
  }
  for (int i = 0; i < warmup; ++i) session.run(inputs);
  std::map<std::pair<std::string, int>, std::vector<double>> samples;
  for (int r = 0; r < runs; ++r) {
    std::vector<runtime::StepProfile> profile;
    session.run_profiled(inputs, profile);
    std::map<std::pair<std::string, int>, double> per_part;
    for (const auto& step : profile) per_part[{step.node, step.slice}] += step.ms;
    for (const auto& [part, ms] : per_part) samples[part].push_back(ms);
    if (progress) show_progress(label, r + 1, runs);
  }
  if (progress) fmt::print(stderr, "\n");
  std::map<std::pair<std::string, int>, double> medians;
  for (auto& [part, v] : samples) medians[part] = median(std::move(v));
  return medians;
}

/// Most measurements of side-by-side slices per slice count in one measure_slice_costs call.
constexpr int kSliceAttempts = 3;

// Whether `count`-way side-by-side slices with this cost::slice_ratio look measured on a busy machine.
bool implausible_slice_ratio(int count, double ratio) { return ratio > kPlausibleSliceRatio * 2.0 / count; }

// Per split node, the median over `runs` traced runs of its slowest slice, with slice i of every
// node in `split` on worker i (the other nodes on worker 0): the slices of one node run at the
// same time, as in a plan, sharing caches and memory bandwidth and reading inputs that another
// core wrote.
std::map<ir::NodeId, double> profile_concurrent_slices(const ir::Graph& graph, const runtime::SessionOptions& base,
                                                       const std::map<ir::NodeId, int>& split, int count, int runs,
                                                       const std::string& label, bool progress) {
  runtime::NodeSchedule spread;
  spread.workers.assign(static_cast<size_t>(count), {});
  for (ir::NodeId n : graph.topological_order()) {
    if (!split.count(n)) {
      spread.workers[0].push_back(n);
      continue;
    }
    for (int i = 0; i < count; ++i) spread.workers[static_cast<size_t>(i)].push_back(runtime::ScheduledNode(n, i, count));
  }
  runtime::SessionOptions options = base;
  options.schedule = std::move(spread);
  runtime::Session session(graph, options);
  std::vector<ir::Tensor> inputs;
  for (size_t i = 0; i < session.inputs().size(); ++i) {
    inputs.push_back(random_tensor(session.inputs()[i].dtype, session.inputs()[i].dims, 4321 + i));
  }
  session.run(inputs);
  std::map<ir::NodeId, std::vector<double>> samples;
  std::vector<runtime::TraceEvent> trace;
  for (int r = 0; r < runs; ++r) {
    session.run_traced(inputs, trace);
    std::map<ir::NodeId, double> slowest;
    for (const runtime::TraceEvent& e : trace) {
      const runtime::Step& step = session.program().steps[static_cast<size_t>(e.step)];
      if (step.slice.whole()) continue;
      double& ms = slowest[step.node];
      ms = std::max(ms, (e.end_us - e.start_us) / 1e3);
    }
    for (const auto& [node, ms] : slowest) samples[node].push_back(ms);
    if (progress) show_progress(label, r + 1, runs);
  }
  if (progress) fmt::print(stderr, "\n");
  std::map<ir::NodeId, double> medians;
  for (auto& [node, v] : samples) medians[node] = median(std::move(v));
  return medians;
}

}  // namespace

cost::MeasuredCosts profile_graph(const ir::Graph& graph, const std::string& model_path, int runs, int warmup, bool progress,
                                  const std::vector<int>& slice_counts) {
  runtime::SessionOptions so;
  so.input_dims = concrete_input_dims(graph, nullptr);
  cost::MeasuredCosts costs;
  costs.model = model_path;
  costs.machine = cost::machine_description();
  costs.runs = runs;
  {
    runtime::Session session(graph, so);
    for (const auto& [part, ms] : profile_session(session, runs, warmup, "nodes", progress)) costs.node_ms[part.first] = ms;
  }
  // Nodes the session runs no step for (evaluated at creation, or absorbed by a fused kernel such
  // as a LayerNormalization exported as elementwise ops) cost nothing at run time.
  for (const ir::Node& n : graph.nodes()) {
    if (!n.removed) costs.node_ms.try_emplace(n.name, 0.0);
  }
  measure_slice_costs(graph, costs, runs, progress, slice_counts);
  std::vector<double> measured(graph.nodes().size(), -1.0);
  for (const ir::Node& n : graph.nodes()) {
    auto it = costs.node_ms.find(n.name);
    if (!n.removed && it != costs.node_ms.end()) measured[static_cast<size_t>(n.id)] = it->second;
  }
  costs.calibrated = cost::calibrate(graph, measured);
  return costs;
}

void measure_slice_costs(const ir::Graph& graph, cost::MeasuredCosts& costs, int runs, bool progress,
                         const std::vector<int>& slice_counts) {
  runtime::SessionOptions so;
  so.input_dims = concrete_input_dims(graph, nullptr);
  // Every node whose kernel may split, split `count` ways; a node's slice cost is its slowest
  // slice. Counts up to the cores here run side by side on `count` workers; larger ones one after
  // the other. Nodes whose shapes do not split run whole and get no entry.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int count : slice_counts) {
    if (count > cores && costs.slice_measurements > 0) continue;  // one after the other: no neighbour effect
    runtime::SessionOptions sliced = so;
    for (const ir::Node& n : graph.nodes()) {
      if (!n.removed && runtime::can_slice(n.op_type)) sliced.slices[n.id] = count;
    }
    if (sliced.slices.empty()) break;
    runtime::Session session(graph, sliced);
    const auto& split = session.program().split_nodes;
    if (split.empty()) continue;
    const int slice_runs = std::max(1, runs / 2);
    const std::string label = fmt::format("{} slices", count);
    if (count <= cores) {
      // Side-by-side slices need the other cores idle: on a shared machine a busy neighbour (or a
      // host that puts both virtual CPUs on one physical core for a while) makes every slice look
      // slow, and the scheduler then declines splits that pay (inception_v3 once measured a median
      // 2-slice/whole ratio of 0.85 where a quiet minute gives 0.46). An implausibly high
      // ratio is measured again, up to kSliceAttempts times here (and on later loads, see
      // slice_costs_need_remeasuring); the lowest is kept.
      for (int attempt = 0; attempt < kSliceAttempts && (attempt == 0 || implausible_slice_ratio(count, costs.slice_ratio.at(count))); ++attempt) {
        std::map<std::string, double> fresh;
        for (const auto& [node, ms] : profile_concurrent_slices(graph, so, split, count, slice_runs, label, progress)) {
          fresh[graph.node(node).name] = ms;
        }
        cost::keep_lower_slice_ratio(costs, count, fresh);
      }
      continue;
    }
    std::map<std::string, double> slowest;
    for (const auto& [part, ms] : profile_session(session, slice_runs, 1, label, progress)) {
      slowest[part.first] = std::max(slowest[part.first], ms);
    }
    for (const auto& [node, k] : split) {
      const std::string& name = graph.node(node).name;
      if (slowest.count(name)) costs.slice_ms[name][k] = slowest[name];
    }
  }
  ++costs.slice_measurements;
}

bool slice_costs_need_remeasuring(const cost::MeasuredCosts& costs) {
  if (costs.slice_measurements >= kMaxSliceMeasurements) return false;
  for (const auto& [count, ratio] : costs.slice_ratio) {
    if (implausible_slice_ratio(count, ratio)) return true;
  }
  return false;
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
