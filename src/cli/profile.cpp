// `ramiel profile`: measures every node on this machine and reports how well the analytic model
// predicts the measurements before and after calibrating its machine constants.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/model_loading.h"
#include "cli/profiling.h"
#include "cost/cost_model.h"
#include "cost/measured_costs.h"
#include "ramiel/error.h"

namespace ramiel::cli {

void add_profile_command(CLI::App& app) {
  struct Options {
    std::string model, output;
    int runs = 20, warmup = 3;
    ModelOptions load;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("profile", "Measure each node's time in the serial executor (median over runs)");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_option("-o,--output", opts->output, "Write the costs as JSON (for --costs)");
  cmd->add_option("--runs", opts->runs, "Profiled runs")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--warmup", opts->warmup, "Warm-up runs")->check(CLI::NonNegativeNumber)->capture_default_str();
  add_model_options(*cmd, opts->load);
  cmd->callback([opts] {
    ModelOptions load = opts->load;
    load.costs = "analytic";
    LoadedModel m = load_model(opts->model, load);
    cost::MeasuredCosts measured = profile_graph(m.graph, opts->model, opts->runs, opts->warmup, /*progress=*/true);
    std::vector<double> by_id(m.graph.nodes().size(), -1.0);
    double total = 0;
    for (const ir::Node& n : m.graph.nodes()) {
      auto it = measured.node_ms.find(n.name);
      if (!n.removed && it != measured.node_ms.end()) {
        by_id[static_cast<size_t>(n.id)] = it->second;
        total += it->second;
      }
    }
    cost::PredictionQuality before = cost::compare(cost::analytic_times_ms(m.graph), by_id);
    cost::PredictionQuality after = cost::compare(cost::analytic_times_ms(m.graph, *measured.calibrated), by_id);
    fmt::print("model        {}\n", opts->model);
    fmt::print("machine      {}\n", measured.machine);
    fmt::print("measured     {} nodes, sum of medians {:.3f} ms over {} runs\n", before.nodes, total, opts->runs);
    fmt::print("analytic     default constants: predicts {:.3f} ms in all, median node error {:.0f}%, time-weighted error {:.0f}%\n",
               before.total_predicted_ms, 100 * before.median_abs_rel_error, 100 * before.weighted_abs_rel_error);
    fmt::print("calibrated   {:.1f} GFLOP/s, {:.1f} GB/s, {:.2f} us/op: predicts {:.3f} ms, median node error {:.0f}%, "
               "time-weighted error {:.0f}%\n",
               measured.calibrated->gflops, measured.calibrated->gbytes_per_s, measured.calibrated->op_overhead_us,
               after.total_predicted_ms, 100 * after.median_abs_rel_error, 100 * after.weighted_abs_rel_error);
    if (!opts->output.empty()) {
      cost::save_measured_costs(measured, opts->output);
      fmt::print("wrote        {}\n", opts->output);
    }
  });
}

}  // namespace ramiel::cli
