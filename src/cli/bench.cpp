// `ramiel bench`: serial and parallel median latency of a model in one process, alternating runs
// after warm-up, with the plan's predicted makespan.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/model_inputs.h"
#include "cli/model_loading.h"
#include "cli/parallel_setup.h"
#include "cli/threading_choice.h"
#include "ramiel/error.h"
#include "runtime/session.h"

namespace ramiel::cli {
namespace {

void print_profile(const std::vector<runtime::StepProfile>& profile, double runs) {
  std::map<std::string, std::pair<double, int>> by_op;
  double total = 0;
  for (const auto& p : profile) {
    by_op[p.op].first += p.ms / runs;
    by_op[p.op].second += 1;
    total += p.ms / runs;
  }
  std::vector<std::pair<double, std::string>> ops;
  for (const auto& [op, v] : by_op) ops.push_back({v.first, op});
  std::sort(ops.rbegin(), ops.rend());
  fmt::print("per op type (serial, mean per run, total {:.3f} ms):\n", total);
  for (const auto& [ms, op] : ops) fmt::print("  {:<20} {:8.3f} ms {:5.1f}%  ({} steps)\n", op, ms, 100 * ms / total, by_op[op].second);
}

}  // namespace

void add_bench_command(CLI::App& app) {
  struct Options {
    std::string model, inputs;
    int threads = default_threads(), repeat = 20, warmup = 3;
    bool json = false, profile = false, no_split = false, compare = false, no_fuse = false;
    std::string layout = "auto";
    ModelOptions load;
  };
  auto opts = std::make_shared<Options>();
  opts->load.costs = "measured";
  CLI::App* cmd = app.add_subcommand("bench", "Serial vs parallel median latency, alternating runs after warm-up");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_option("--threads", opts->threads, "Worker threads P for the parallel plan (1: serial only)")->capture_default_str();
  cmd->add_option("--repeat", opts->repeat, "Timed runs of each")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--warmup", opts->warmup, "Untimed runs first")->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--inputs", opts->inputs, "Folder with input_N.pb; random inputs if absent");
  cmd->add_flag("--json", opts->json, "Print one JSON object");
  cmd->add_flag("--profile", opts->profile, "Also print the serial time per operator type");
  cmd->add_flag("--no-split", opts->no_split, "Branch parallelism only: never split a node into slices");
  cmd->add_flag("--no-fuse", opts->no_fuse, "Run each Relu, Clip, residual or bias Add, GELU and LayerNorm op on its own instead of fusing them into the Conv or MatMul before them or into one LayerNormalization");
  cmd->add_flag("--compare", opts->compare, "Also time the plan without slices (alternating with the others)");
  cmd->add_option("--layout", opts->layout,
                  std::string("Activation layout between convolutions: ") + kLayoutChoices +
                      " (auto: what oneDNN prefers on this CPU; plain: each Conv reorders on its own)");
  add_model_options(*cmd, opts->load);
  cmd->callback([opts] {
    if (opts->threads < 1) throw Error(ErrorKind::kInvalidArgument, "--threads must be at least 1, got " + std::to_string(opts->threads));
    LoadedModel m = load_model(opts->model, opts->load);
    std::vector<ir::Tensor> inputs;
    if (!opts->inputs.empty()) inputs = order_as_graph_inputs(m.graph, load_numbered_tensors(opts->inputs, "input"));
    runtime::SessionOptions so = session_options_for_layout(opts->layout);
    so.fuse_activations = !opts->no_fuse;
    so.input_dims = concrete_input_dims(m.graph, inputs.empty() ? nullptr : &inputs);
    runtime::Session serial(m.graph, so);
    std::optional<ParallelSetup> setup, branch_setup;
    std::unique_ptr<runtime::Session> parallel, branch, omp;
    if (opts->threads > 1) {
      if (opts->compare) {  // plan without slices first: plan_parallel adds clone nodes to the graph
        LoadedModel copy = m;
        branch_setup = plan_parallel(copy, opts->threads, /*split=*/false);
        runtime::SessionOptions bo = so;
        bo.schedule = branch_setup->node_schedule;
        branch = std::make_unique<runtime::Session>(copy.graph, bo);
      }
      runtime::SessionOptions oo = so;
      oo.kernel_threads = opts->threads;
      omp = std::make_unique<runtime::Session>(m.graph, oo);
      setup = plan_parallel(m, opts->threads, !opts->no_split);
      runtime::SessionOptions po = so;
      po.schedule = setup->node_schedule;
      parallel = std::make_unique<runtime::Session>(m.graph, po);
    }
    if (inputs.empty()) {
      for (size_t i = 0; i < serial.inputs().size(); ++i) {
        inputs.push_back(random_tensor(serial.inputs()[i].dtype, serial.inputs()[i].dims, 1234 + i));
      }
    }
    for (int i = 0; i < opts->warmup; ++i) {
      serial.run(inputs);
      if (parallel) parallel->run(inputs);
      if (branch) branch->run(inputs);
    }
    std::vector<double> serial_ms, parallel_ms, branch_ms;
    for (int i = 0; i < opts->repeat; ++i) {  // alternate so all see the same machine noise
      serial_ms.push_back(time_run(serial, inputs));
      if (parallel) parallel_ms.push_back(time_run(*parallel, inputs));
      if (branch) branch_ms.push_back(time_run(*branch, inputs));
    }
    // The plan against oneDNN's OpenMP threading, as `run --threading auto` decides: in blocks
    // (OpenMP's idle threads spin after each parallel region and would steal a core from runs
    // interleaved with them), after the alternating runs above.
    std::optional<ThreadingChoice> choice;
    if (omp) choice = choose_threading(*parallel, *omp, inputs, opts->repeat);
    const double s = median_of(serial_ms);
    const double p = parallel ? median_of(parallel_ms) : s;
    const int workers = parallel ? parallel->workers() : 1;
    const double predicted = setup ? setup->schedule.stats.makespan_ms : std::nan("");
    const double predicted_serial = setup ? setup->schedule.stats.serial_ms : std::nan("");
    if (opts->json) {
      nlohmann::json j = {{"model", opts->model}, {"threads", opts->threads}, {"workers", workers},
                          {"serial_ms", s}, {"parallel_ms", p}, {"speedup", s / p},
                          {"serial_min_ms", *std::min_element(serial_ms.begin(), serial_ms.end())},
                          {"runs", opts->repeat}, {"costs", m.cost_source}};
      if (setup) {
        j["predicted_ms"] = predicted;
        j["predicted_serial_ms"] = predicted_serial;
        j["parallel_min_ms"] = *std::min_element(parallel_ms.begin(), parallel_ms.end());
        j["cloned_nodes"] = setup->schedule.stats.cloned_tasks;
        j["split_nodes"] = parallel->program().split_nodes.size();
        j["serial_arena_bytes"] = serial.stats().arena_bytes;
        j["parallel_arena_bytes"] = parallel->stats().arena_bytes;
      }
      if (branch) {
        j["branch_ms"] = median_of(branch_ms);
        j["branch_workers"] = branch->workers();
        j["branch_predicted_ms"] = branch_setup->schedule.stats.makespan_ms;
      }
      if (choice) {
        j["omp_ms"] = choice->onednn_ms;
        j["plan_block_ms"] = choice->plan_ms;
        j["threading"] = to_string(choice->chosen);
        j["best_ms"] = std::min(choice->plan_ms, choice->onednn_ms);
      }
      fmt::print("{}\n", j.dump());
    } else {
      fmt::print("model        {}\n", opts->model);
      fmt::print("costs        {}\n", m.cost_source);
      fmt::print("serial       median {:.3f} ms over {} runs\n", s, serial_ms.size());
      if (parallel) {
        fmt::print("parallel     median {:.3f} ms on {} worker{} (P = {}), speedup {:.2f}x\n", p, workers,
                   workers == 1 ? "" : "s", opts->threads, s / p);
        fmt::print("predicted    serial {:.3f} ms, parallel {:.3f} ms ({:.2f}x), lower bound {:.3f} ms\n", predicted_serial,
                   predicted, predicted_serial / predicted, setup->schedule.stats.lower_bound_ms);
        fmt::print("plan         {} node{} split into slices, {} cloned\n", parallel->program().split_nodes.size(),
                   parallel->program().split_nodes.size() == 1 ? "" : "s", setup->schedule.stats.cloned_tasks);
        fmt::print("memory       arena {:.1f} MB serial, {:.1f} MB parallel\n", static_cast<double>(serial.stats().arena_bytes) / 1e6,
                   static_cast<double>(parallel->stats().arena_bytes) / 1e6);
      }
      if (branch) {
        fmt::print("no slices    median {:.3f} ms on {} worker{}, speedup {:.2f}x (predicted {:.3f} ms)\n", median_of(branch_ms),
                   branch->workers(), branch->workers() == 1 ? "" : "s", s / median_of(branch_ms),
                   branch_setup->schedule.stats.makespan_ms);
      }
      if (choice) {
        const double best = std::min(choice->plan_ms, choice->onednn_ms);
        fmt::print("oneDNN omp   median {:.3f} ms, serial order, every kernel on {} OpenMP threads (in blocks against the "
                   "plan's {:.3f} ms)\n",
                   choice->onednn_ms, opts->threads, choice->plan_ms);
        fmt::print("threading    {} is faster here ({:.3f} ms, {:.2f}x over serial): what `run --threading auto` keeps\n",
                   choice->chosen == Threading::kPlan ? "the plan" : "oneDNN's OpenMP", best, s / best);
      }
    }
    if (opts->profile) {
      std::vector<runtime::StepProfile> profile;
      for (int i = 0; i < opts->repeat; ++i) serial.run_profiled(inputs, profile);
      print_profile(profile, opts->repeat);
    }
  });
}

}  // namespace ramiel::cli
