#include "cli/model_loading.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "cli/graph_dot.h"
#include "cli/profiling.h"
#include "runtime/slicing.h"
#include "cost/measured_costs.h"
#include "cost/cost_model.h"
#include "ir/onnx_import.h"
#include "passes/pipeline.h"
#include "ramiel/error.h"

namespace ramiel::cli {

void add_model_options(CLI::App& cmd, ModelOptions& options) {
  cmd.add_flag("--no-check", options.no_check, "Skip the ONNX checker");
  cmd.add_flag("--no-prune", options.no_prune, "Do not run the pruning passes (constant folding, clean-up, DCE)");
  cmd.add_option("--dump-after", options.dump_after, "Write PASS.dot after the pass named PASS ('all': every pass)");
  cmd.add_option("--costs", options.costs,
                 "Node costs: 'analytic', 'measured' (profiled here once, then cached) or a COSTS.json from 'ramiel profile'")
      ->capture_default_str();
}

LoadedModel load_model(const std::string& path, const ModelOptions& options) {
  LoadedModel m;
  ir::ImportOptions import_options;
  import_options.run_checker = !options.no_check;
  m.graph = ir::import_onnx_file(path, import_options);
  m.nodes_before_pruning = m.graph.live_node_count();
  if (!options.no_prune) {
    passes::PassManager pm = passes::pruning_pipeline();
    if (!options.dump_after.empty()) {
      bool known = options.dump_after == "all";
      for (const auto& p : pm.passes()) known = known || p->name() == options.dump_after;
      if (!known) throw Error(ErrorKind::kInvalidArgument, "--dump-after: no pass named '" + options.dump_after + "' (see 'ramiel prune --print-passes')");
      pm.dump_after(options.dump_after, [](const std::string& pass, const ir::Graph& g) {
        std::string file = pass + ".dot";
        write_graph_dot(g, {}, {}, file, pass);
        fmt::print(stderr, "ramiel: wrote {} after {}\n", file, pass);
      });
    }
    m.passes = pm.run(m.graph);
  }
  if (options.costs == "analytic") {
    m.node_ms = cost::analytic_times_ms(m.graph);
    m.cost_source = "analytic";
    return m;
  }
  cost::MeasuredCosts measured;
  if (options.costs == "measured") {
    std::string cache = profile_cache_path(path, fmt::format("{}-v{}", options.no_prune ? "unpruned" : "pruned", kProfileVersion));
    if (std::filesystem::exists(cache)) {
      measured = cost::load_measured_costs(cache);
      m.cost_source = "measured (cached in " + cache + ")";
      if (slice_costs_need_remeasuring(measured)) {
        // The host may have been busy when the slices were measured (see measure_slice_costs).
        const auto& [count, ratio] = *measured.slice_ratio.begin();
        fmt::print(stderr, "ramiel: the cached slice costs are high ({}-slice/whole time {:.2f}; the machine may have been busy): measuring them again ({} of {})\n",
                   count, ratio, measured.slice_measurements + 1, kMaxSliceMeasurements);
        measure_slice_costs(m.graph, measured, 20, /*progress=*/true);
        cost::save_measured_costs(measured, cache);
        m.cost_source += fmt::format(", slices measured {} times", measured.slice_measurements);
      }
    } else {
      measured = profile_graph(m.graph, path, 20, 3, /*progress=*/true);
      std::filesystem::create_directories(std::filesystem::path(cache).parent_path());
      cost::save_measured_costs(measured, cache);
      m.cost_source = "measured (profiled now, cached in " + cache + ")";
    }
  } else {
    measured = cost::load_measured_costs(options.costs);
    m.cost_source = "measured (" + options.costs + ")";
  }
  size_t missing = 0;
  m.node_ms = cost::costs_for_graph(m.graph, measured, &missing);
  m.slice_ms.assign(m.graph.nodes().size(), {});
  for (const ir::Node& n : m.graph.nodes()) {
    if (auto it = measured.slice_ms.find(n.name); !n.removed && it != measured.slice_ms.end()) m.slice_ms[static_cast<size_t>(n.id)] = it->second;
  }
  if (missing > 0) m.cost_source += fmt::format(", {} nodes estimated analytically", missing);
  return m;
}

schedule::SliceCostFn slice_cost_fn_for(const LoadedModel& model) {
  if (model.slice_ms.empty()) {  // analytic costs
    return [&graph = model.graph, &node_ms = model.node_ms](ir::NodeId node, int slices) {
      if (slices < 2 || !runtime::can_slice(graph.node(node).op_type)) return -1.0;
      return node_ms[static_cast<size_t>(node)] / slices * 1.15;
    };
  }
  return [&slice_ms = model.slice_ms](ir::NodeId node, int slices) {
    const std::map<int, double>& measured = slice_ms[static_cast<size_t>(node)];
    if (slices < 2 || measured.empty()) return -1.0;
    if (auto it = measured.find(slices); it != measured.end()) return it->second;
    const auto& [largest, largest_ms] = *measured.rbegin();
    if (slices > largest) {  // beyond the profile: only if the largest profiled count split
      return largest == kProfiledSliceCounts.back() ? largest_ms * largest / slices : -1.0;
    }
    auto below = measured.lower_bound(slices);  // the next profiled count above; scale the one below
    if (below == measured.begin()) return -1.0;
    --below;
    return below->second * below->first / slices;
  };
}

}  // namespace ramiel::cli
