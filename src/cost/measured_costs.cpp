#include "cost/measured_costs.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cost/cost_model.h"
#include "ramiel/error.h"

namespace ramiel::cost {

void save_measured_costs(const MeasuredCosts& costs, const std::string& path) {
  nlohmann::json j;
  j["model"] = costs.model;
  j["machine"] = costs.machine;
  j["runs"] = costs.runs;
  j["node_ms"] = costs.node_ms;
  nlohmann::json slices = nlohmann::json::object();
  for (const auto& [node, by_count] : costs.slice_ms) {
    for (const auto& [count, ms] : by_count) slices[node][std::to_string(count)] = ms;
  }
  j["slice_ms"] = slices;
  nlohmann::json ratios = nlohmann::json::object();
  for (const auto& [count, ratio] : costs.slice_ratio) ratios[std::to_string(count)] = ratio;
  j["slice_ratio"] = ratios;
  j["slice_measurements"] = costs.slice_measurements;
  if (costs.calibrated) {
    j["calibrated"] = {{"gflops", costs.calibrated->gflops},
                       {"gbytes_per_s", costs.calibrated->gbytes_per_s},
                       {"op_overhead_us", costs.calibrated->op_overhead_us},
                       {"sync_us", costs.calibrated->sync_us}};
  }
  std::ofstream out(path);
  out << j.dump(1) << "\n";
  if (!out) throw Error(ErrorKind::kIo, "cannot write costs file '" + path + "'");
}

namespace {

// A slice count key of a costs file: an integer >= 2 (`where` names the entry for the error).
int parse_slice_count(const std::string& count, const std::string& path, const std::string& where) {
  const int k = std::atoi(count.c_str());
  if (k < 2 || std::to_string(k) != count) {
    throw Error(ErrorKind::kInvalidArgument, "costs file '" + path + "' is malformed: slice count '" + count + "' " + where + " is not an integer >= 2");
  }
  return k;
}

}  // namespace

MeasuredCosts load_measured_costs(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::kIo, "cannot open costs file '" + path + "'");
  MeasuredCosts c;
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    c.model = j.value("model", "");
    c.machine = j.value("machine", "");
    c.runs = j.value("runs", 0);
    c.node_ms = j.at("node_ms").get<std::map<std::string, double>>();
    if (j.contains("slice_ms")) {
      for (const auto& [node, by_count] : j["slice_ms"].items()) {
        for (const auto& [count, ms] : by_count.items()) {
          c.slice_ms[node][parse_slice_count(count, path, "of node '" + node + "'")] = ms.get<double>();
        }
      }
    }
    if (j.contains("slice_ratio")) {
      for (const auto& [count, ratio] : j["slice_ratio"].items()) c.slice_ratio[parse_slice_count(count, path, "in slice_ratio")] = ratio.get<double>();
    }
    c.slice_measurements = j.value("slice_measurements", 0);
    if (j.contains("calibrated")) {
      const auto& m = j["calibrated"];
      MachineModel mm;
      mm.gflops = m.at("gflops").get<double>();
      mm.gbytes_per_s = m.at("gbytes_per_s").get<double>();
      mm.op_overhead_us = m.at("op_overhead_us").get<double>();
      mm.sync_us = m.value("sync_us", mm.sync_us);
      c.calibrated = mm;
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kInvalidArgument, "costs file '" + path + "' is malformed: " + std::string(e.what()));
  }
  return c;
}

namespace {

// Sums slice times and their nodes' whole times over the nodes that have a whole cost.
struct SliceRatioSums {
  double slices = 0, whole = 0;
  void add(const std::map<std::string, double>& node_ms, const std::string& node, double slice_ms) {
    auto it = node_ms.find(node);
    if (it == node_ms.end() || it->second <= 0) return;
    slices += slice_ms;
    whole += it->second;
  }
  double ratio() const { return whole > 0 ? slices / whole : 0.0; }
};

}  // namespace

double slice_ratio(const MeasuredCosts& costs, int count) {
  SliceRatioSums sums;
  for (const auto& [node, by_count] : costs.slice_ms) {
    if (auto slice = by_count.find(count); slice != by_count.end()) sums.add(costs.node_ms, node, slice->second);
  }
  return sums.ratio();
}

bool keep_lower_slice_ratio(MeasuredCosts& costs, int count, const std::map<std::string, double>& fresh) {
  SliceRatioSums sums;
  for (const auto& [node, ms] : fresh) sums.add(costs.node_ms, node, ms);
  const double ratio = sums.ratio();
  auto kept = costs.slice_ratio.find(count);
  if (kept != costs.slice_ratio.end() && kept->second <= ratio) return false;
  for (auto& [node, by_count] : costs.slice_ms) by_count.erase(count);
  for (const auto& [node, ms] : fresh) costs.slice_ms[node][count] = ms;
  std::erase_if(costs.slice_ms, [](const auto& entry) { return entry.second.empty(); });
  costs.slice_ratio[count] = ratio;
  return true;
}

std::vector<double> costs_for_graph(const ir::Graph& graph, const MeasuredCosts& costs, size_t* missing) {
  std::vector<double> analytic = analytic_times_ms(graph, costs.calibrated.value_or(MachineModel{}));
  size_t fallback = 0;
  for (const ir::Node& n : graph.nodes()) {
    if (n.removed) continue;
    auto it = costs.node_ms.find(n.name);
    if (it != costs.node_ms.end()) {
      analytic[static_cast<size_t>(n.id)] = it->second;
    } else {
      ++fallback;
    }
  }
  if (missing) *missing = fallback;
  return analytic;
}

MachineModel calibrate(const ir::Graph& graph, const std::vector<double>& measured_ms, const MachineModel& start) {
  std::vector<NodeCost> analytic = analytic_costs(graph, start);
  auto loss = [&](const MachineModel& m) {
    double l = 0;
    for (const ir::Node& n : graph.nodes()) {
      size_t i = static_cast<size_t>(n.id);
      if (n.removed || i >= measured_ms.size() || measured_ms[i] <= 0) continue;
      double pred = m.time_ms(analytic[i].flops, analytic[i].bytes);
      double e = std::log(pred / measured_ms[i]);
      // Weight by the measured time so that the nodes that dominate the schedule fit best.
      l += e * e * (measured_ms[i] + 0.01);
    }
    return l;
  };
  // Coordinate descent in log space: three parameters, smooth loss, a few hundred evaluations.
  MachineModel best = start;
  double best_loss = loss(best);
  for (double step = 1.0; step > 0.01; step *= 0.5) {
    bool improved = true;
    while (improved) {
      improved = false;
      for (int p = 0; p < 3; ++p) {
        for (double dir : {1.0, -1.0}) {
          MachineModel m = best;
          double factor = std::exp(dir * step);
          if (p == 0) m.gflops *= factor;
          if (p == 1) m.gbytes_per_s *= factor;
          if (p == 2) m.op_overhead_us *= factor;
          double l = loss(m);
          if (l < best_loss) {
            best_loss = l;
            best = m;
            improved = true;
          }
        }
      }
    }
  }
  return best;
}

PredictionQuality compare(const std::vector<double>& predicted, const std::vector<double>& measured) {
  PredictionQuality q;
  std::vector<double> rel;
  double abs_sum = 0;
  for (size_t i = 0; i < measured.size() && i < predicted.size(); ++i) {
    if (measured[i] <= 0) continue;
    ++q.nodes;
    q.total_measured_ms += measured[i];
    q.total_predicted_ms += predicted[i];
    abs_sum += std::fabs(predicted[i] - measured[i]);
    rel.push_back(std::fabs(predicted[i] - measured[i]) / measured[i]);
  }
  if (!rel.empty()) {
    std::nth_element(rel.begin(), rel.begin() + static_cast<long>(rel.size() / 2), rel.end());
    q.median_abs_rel_error = rel[rel.size() / 2];
  }
  q.weighted_abs_rel_error = q.total_measured_ms > 0 ? abs_sum / q.total_measured_ms : 0;
  return q;
}

std::string machine_description() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  return model + ", " + std::to_string(std::thread::hardware_concurrency()) + " logical cores";
}

}  // namespace ramiel::cost
