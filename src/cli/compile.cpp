// `ramiel compile`: the static parallel plan for P threads, with the figures that explain it.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.h"
#include "cli/model_loading.h"
#include "cost/machine_model.h"
#include "ramiel/error.h"
#include "schedule/gantt_svg.h"
#include "schedule/list_scheduler.h"
#include "schedule/plan_builder.h"
#include "schedule/plan_dot.h"
#include "schedule/plan_json.h"
#include "schedule/scheduler.h"
#include "schedule/splitting.h"

namespace ramiel::cli {

namespace {

struct CompileOptions {
  std::string model;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string output;
  std::string gantt;
  std::string dot;
  bool json = false;
  double sync_us = cost::MachineModel{}.sync_us;
  bool charge_bytes = false;
  bool no_merge = false;
  bool no_clone = false;
  bool no_split = false;
  ModelOptions load;
};

/// "2 -> 372.0, 3 -> 360.1" for the makespans by worker count.
std::string makespans_by_workers(const std::vector<double>& makespans) {
  std::string text;
  for (size_t p = 0; p < makespans.size(); ++p) {
    if (!std::isnan(makespans[p])) text += fmt::format("{}{}: {:.3f}", text.empty() ? "" : ", ", p + 1, makespans[p]);
  }
  return text;
}

void run_compile(const CompileOptions& opts) {
  if (opts.threads < 1) throw Error(ErrorKind::kInvalidArgument, fmt::format("--threads must be at least 1, got {}", opts.threads));
  if (opts.sync_us < 0) throw Error(ErrorKind::kInvalidArgument, fmt::format("--sync-us must be >= 0, got {}", opts.sync_us));
  LoadedModel m = load_model(opts.model, opts.load);
  schedule::TaskGraph graph = schedule::task_graph_from_ir(m.graph, m.node_ms);
  cost::MachineModel machine;
  machine.sync_us = opts.sync_us;
  schedule::SchedulerOptions options;
  options.threads = opts.threads;
  options.comm = schedule::CommModel::from_machine(machine, opts.charge_bytes);
  options.merge = !opts.no_merge;
  options.clone = !opts.no_clone;
  const schedule::SliceCostFn slice_ms =
      opts.no_split ? schedule::SliceCostFn([](ir::NodeId, int) { return -1.0; }) : slice_cost_fn_for(m);
  schedule::Schedule s = schedule::compile_hybrid_schedule(graph, slice_ms, options);
  schedule::validate(s.plan, graph);
  const schedule::ScheduleStats& st = s.stats;
  const std::vector<schedule::NodeSplit> splits = schedule::split_nodes(s.plan);

  schedule::Plan baseline = schedule::assemble_plan(graph, schedule::list_schedule(graph, opts.threads, options.comm));
  schedule::Simulation baseline_sim = schedule::simulate(graph, baseline, options.comm);

  const double parallelism = st.critical_path_ms > 0 ? st.serial_ms / st.critical_path_ms : 1.0;
  std::vector<std::string> notes = {
      fmt::format("P = {} threads allowed, {} used  |  makespan {:.3f} ms  |  serial W {:.3f} ms  |  lower bound max(CP, W/P) {:.3f} ms  |  "
                  "HEFT list scheduler {:.3f} ms",
                  opts.threads, st.workers, st.makespan_ms, st.serial_ms, st.lower_bound_ms, baseline_sim.makespan_ms),
      fmt::format("{} nodes, CP {:.3f} ms, W/CP {:.2f}  |  {} linear chains, {} after merging, {} clones, {} nodes split into {} slices  |  "
                  "{} cross-worker dependencies, sync {} us each{}",
                  graph.task_count(), st.critical_path_ms, parallelism, st.clusters_initial, st.clusters_merged, st.cloned_tasks,
                  st.split_nodes, st.slices, s.plan.dependencies.size(), opts.sync_us, opts.charge_bytes ? " + bytes" : "")};
  if (!opts.output.empty()) schedule::write_plan_file(s.plan, opts.output);
  if (!opts.gantt.empty()) {
    schedule::write_gantt_svg(opts.gantt, graph, s.plan, s.simulation, {opts.model, notes, 1400, st.lower_bound_ms});
  }
  if (!opts.dot.empty()) schedule::write_plan_dot(opts.dot, graph, s.plan, &s.linear_clusters, {opts.model, notes});

  if (opts.json) {
    nlohmann::json j;
    j["model"] = opts.model;
    j["nodes"] = graph.task_count();
    j["cost_source"] = m.cost_source;
    j["threads"] = opts.threads;
    j["workers"] = st.workers;
    j["clusters_initial"] = st.clusters_initial;
    j["clusters_merged"] = st.clusters_merged;
    j["merge_rounds"] = st.merge_rounds;
    j["cloned_nodes"] = st.cloned_tasks;
    j["cloned_ms"] = st.cloned_ms;
    j["cloning_skipped"] = st.cloning_skipped;
    j["split_nodes"] = nlohmann::json::array();
    for (const schedule::NodeSplit& split : splits) {
      const schedule::TaskId task = graph.task_of(split.node);
      j["split_nodes"].push_back({{"node", graph.name(task)}, {"node_id", split.node}, {"op", graph.op_type(task)}, {"slices", split.slices}});
    }
    j["slices"] = st.slices;
    j["unsplit_makespan_ms"] = st.unsplit_makespan_ms;
    j["cross_dependencies"] = s.plan.dependencies.size();
    j["sync_us"] = opts.sync_us;
    j["serial_ms"] = st.serial_ms;
    j["critical_path_ms"] = st.critical_path_ms;
    j["parallelism"] = parallelism;
    j["lower_bound_ms"] = st.lower_bound_ms;
    j["makespan_ms"] = st.makespan_ms;
    j["speedup"] = st.makespan_ms > 0 ? st.serial_ms / st.makespan_ms : 1.0;
    j["makespan_by_workers_ms"] = st.makespan_by_workers;  // NaN (not tried) prints as null
    j["mapping"] = st.mapping;
    j["list_scheduler_ms"] = baseline_sim.makespan_ms;
    j["list_scheduler_workers"] = baseline.worker_count();
    j["compile_ms"] = s.times.total_ms;
    j["phases_ms"] = {{"clustering", s.times.clustering_ms}, {"merging", s.times.merging_ms}, {"mapping", s.times.mapping_ms},
                      {"simulation", s.times.simulation_ms}, {"cloning", s.times.cloning_ms}, {"splitting", s.times.splitting_ms}};
    j["per_worker"] = nlohmann::json::array();
    for (size_t w = 0; w < s.plan.workers.size(); ++w) {
      j["per_worker"].push_back({{"steps", s.plan.workers[w].steps.size()},
                                 {"busy_ms", s.simulation.busy_ms[w]},
                                 {"idle_ms", s.simulation.idle_ms(w)}});
    }
    if (!opts.output.empty()) j["plan"] = opts.output;
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("model        {} ({} nodes, {} costs)\n", opts.model, graph.task_count(), m.cost_source);
  fmt::print("threads      {} allowed, {} used{}\n", opts.threads, st.workers,
             st.workers < opts.threads ? fmt::format(" (more would gain less than {:g}%, or cannot beat their synchronisation cost)",
                                                     100 * options.worker_tolerance)
                                       : "");
  if (st.makespan_by_workers.size() > 1) fmt::print("by workers   {} ms\n", makespans_by_workers(st.makespan_by_workers));
  fmt::print("clusters     {} linear chains, {} after merging non-overlapping ones\n", st.clusters_initial, st.clusters_merged);
  fmt::print("mapping      {}\n", st.mapping);
  if (st.cloning_skipped) {
    fmt::print("cloned       skipped (graph too large for cloning's evaluation budget)\n");
  } else {
    fmt::print("cloned       {} nodes ({:.3f} ms of extra work)\n", st.cloned_tasks, st.cloned_ms);
  }
  if (splits.empty()) {
    fmt::print("split        no nodes (intra-operator slices)\n");
  } else {
    std::string listed;
    for (const schedule::NodeSplit& split : splits) {
      const schedule::TaskId task = graph.task_of(split.node);
      listed += fmt::format("{}{} ({}) x{}", listed.empty() ? "" : ", ", graph.name(task), graph.op_type(task), split.slices);
    }
    fmt::print("split        {} nodes into {} slices (makespan {:.3f} ms unsplit): {}\n", st.split_nodes, st.slices, st.unsplit_makespan_ms,
               listed);
  }
  fmt::print("serial W     {:.3f} ms\n", st.serial_ms);
  fmt::print("critical CP  {:.3f} ms (W/CP {:.2f})\n", st.critical_path_ms, parallelism);
  fmt::print("lower bound  {:.3f} ms (max(CP, W/P){})\n", st.lower_bound_ms, splits.empty() ? "" : ", each node at its cheapest split");
  fmt::print("makespan     {:.3f} ms estimated: {:.2f}x serial, {:.1f}% above the lower bound\n", st.makespan_ms,
             st.makespan_ms > 0 ? st.serial_ms / st.makespan_ms : 1.0,
             st.lower_bound_ms > 0 ? 100 * (st.makespan_ms / st.lower_bound_ms - 1) : 0.0);
  fmt::print("list sched.  {:.3f} ms (HEFT baseline on {} workers, same simulator)\n", baseline_sim.makespan_ms, baseline.worker_count());
  fmt::print("sync         {} cross-worker dependencies at {} us{}\n", s.plan.dependencies.size(), opts.sync_us,
             opts.charge_bytes ? " plus bytes" : "");
  for (size_t w = 0; w < s.plan.workers.size(); ++w) {
    fmt::print("worker {:<5} {} steps, busy {:.3f} ms ({:.0f}%)\n", w, s.plan.workers[w].steps.size(), s.simulation.busy_ms[w],
               st.makespan_ms > 0 ? 100 * s.simulation.busy_ms[w] / st.makespan_ms : 0.0);
  }
  fmt::print("compile      {:.3f} ms (clustering {:.3f}, merging {:.3f}, mapping {:.3f}, simulation {:.3f}, cloning {:.3f}, splitting {:.3f})\n",
             s.times.total_ms, s.times.clustering_ms, s.times.merging_ms, s.times.mapping_ms, s.times.simulation_ms, s.times.cloning_ms,
             s.times.splitting_ms);
  for (const std::string* file : {&opts.output, &opts.gantt, &opts.dot}) {
    if (!file->empty()) fmt::print("wrote        {}\n", *file);
  }
}

}  // namespace

void add_compile_command(CLI::App& app) {
  auto opts = std::make_shared<CompileOptions>();
  CLI::App* cmd = app.add_subcommand("compile", "Compile the model into a static parallel plan for P threads");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_option("-t,--threads", opts->threads, "Most threads the plan may use (default: number of cores)")->capture_default_str();
  cmd->add_option("-o,--output", opts->output, "Write the plan as JSON to this file");
  cmd->add_flag("--json", opts->json, "Print one JSON object");
  cmd->add_option("--gantt", opts->gantt, "Write the simulated schedule as an SVG Gantt chart");
  cmd->add_option("--dot", opts->dot, "Write the graph coloured by worker as Graphviz DOT");
  cmd->add_option("--sync-us", opts->sync_us, "Cost of one cross-thread hand-off in microseconds")->capture_default_str();
  cmd->add_flag("--charge-bytes", opts->charge_bytes, "Also charge the bytes crossing threads at the machine's bandwidth");
  cmd->add_flag("--no-merge", opts->no_merge, "Skip merging clusters with disjoint spans");
  cmd->add_flag("--no-clone", opts->no_clone, "Skip cloning cheap nodes");
  cmd->add_flag("--no-split", opts->no_split, "Branch parallelism only: never split a node into slices");
  add_model_options(*cmd, opts->load);
  cmd->callback([opts] { run_compile(*opts); });
}

}  // namespace ramiel::cli
