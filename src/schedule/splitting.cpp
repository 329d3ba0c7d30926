#include "schedule/splitting.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "ramiel/error.h"
#include "schedule/simulator.h"

namespace ramiel::schedule {

namespace {

using Clock = std::chrono::steady_clock;

/// Most split sets scored (compile_schedule() runs) per compile, the unsplit one included.
constexpr int kMaxTrials = 10;
/// Most tasks + edges of the task graphs of all split sets scored together (a split set's graph
/// grows by k - 1 tasks per node split k ways and by k * k' edges per edge between split nodes):
/// bounds compile time on large graphs and many threads (about 0.2 us per task or edge at P = 2,
/// 1 us at P = 16, where split graphs are wide enough for the mapper to try every worker count).
constexpr double kTrialWork = 12e3;
/// Graphs too large for kTrialWork get this many times their own tasks + edges instead.
constexpr double kTrialWorkPerGraph = 4;
/// Share of the work budget the first candidate (every profitable split) may take; it drops its
/// least profitable splits to fit.
constexpr double kFirstCandidateShare = 0.5;
/// A split must be expected to gain more than this fraction of the makespan to be proposed...
constexpr double kMinGainFraction = 1e-4;
/// ... and more than this many hand-offs between workers (each split adds a fork and a join, and a
/// real hand-off costs several times the modelled sync cost when the waiter has gone to sleep).
constexpr double kMinGainSyncs = 20;
/// A worker counts as idle during a node's run if it idles for at least this fraction of it.
constexpr double kIdleFraction = 0.5;

/// The least gain (node cost - slice cost) for which a split is worth proposing.
double min_split_gain(double makespan_ms, const CommModel& comm) {
  return std::max(kMinGainFraction * makespan_ms, kMinGainSyncs * comm.sync_ms);
}

double elapsed_ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

/// slice_ms per (task, slice count), each asked once; negative (or not finite) means "cannot split".
class SliceCostCache {
 public:
  SliceCostCache(const TaskGraph& graph, const SliceCostFn& slice_ms, int threads)
      : graph_(graph), slice_ms_(slice_ms), threads_(threads),
        cost_(graph.task_count() * static_cast<size_t>(threads + 1), std::numeric_limits<double>::quiet_NaN()) {}

  /// Cost of the slowest of `slices` slices of `task`, or a negative value if it cannot be split so.
  double operator()(TaskId task, int slices) {
    double& cost = cost_[static_cast<size_t>(task) * static_cast<size_t>(threads_ + 1) + static_cast<size_t>(slices)];
    if (std::isnan(cost)) {
      const double value = slice_ms_(graph_.node_of(task), slices);
      cost = std::isfinite(value) && value >= 0 ? value : -1.0;
    }
    return cost;
  }

 private:
  const TaskGraph& graph_;
  const SliceCostFn& slice_ms_;
  int threads_;
  std::vector<double> cost_;
};

/// `graph` with every task t with slices[t] > 1 replaced by that many slice tasks.
struct ExpandedGraph {
  TaskGraph graph;                ///< The expanded task graph (tasks carry no node ids).
  std::vector<TaskId> base_task;  ///< Expanded task -> task of the original graph.
  std::vector<int32_t> slice;     ///< Expanded task -> its slice index (0 for whole tasks).
};

ExpandedGraph expand(const TaskGraph& base, const std::vector<int>& slices, SliceCostCache& slice_cost) {
  const size_t n = base.task_count();
  ExpandedGraph result;
  std::vector<TaskId> first(n);
  std::vector<uint8_t> feeds_split(n, 0);
  for (const TaskEdge& e : base.edges()) {
    if (slices[static_cast<size_t>(e.to)] > 1) feeds_split[static_cast<size_t>(e.from)] = 1;
  }
  TaskGraphBuilder builder;
  builder.reserve(n, base.edge_count());
  for (size_t t = 0; t < n; ++t) {
    const TaskId task = static_cast<TaskId>(t);
    const int k = slices[t];
    first[t] = static_cast<TaskId>(result.base_task.size());
    if (k <= 1) {
      // Slices read their inputs' original outputs, so their producers are never cloned.
      builder.add_task(TaskInfo{base.cost_ms(task), base.cloneable(task) && !feeds_split[t]});
      result.base_task.push_back(task);
      result.slice.push_back(0);
      continue;
    }
    const double cost = slice_cost(task, k);
    for (int i = 0; i < k; ++i) {
      builder.add_task(TaskInfo{cost, false});
      result.base_task.push_back(task);
      result.slice.push_back(i);
    }
  }
  for (size_t e = 0; e < base.edge_count(); ++e) {
    const TaskEdge& edge = base.edge(static_cast<EdgeId>(e));
    const int from_pieces = slices[static_cast<size_t>(edge.from)];
    const int to_pieces = slices[static_cast<size_t>(edge.to)];
    // Each slice of a split producer computes its share of the output.
    const int64_t bytes = edge.bytes / std::max(from_pieces, 1);
    std::span<const ir::ValueId> values = base.edge_values(static_cast<EdgeId>(e));
    for (int i = 0; i < from_pieces; ++i) {
      for (int j = 0; j < to_pieces; ++j) builder.add_edge(first[static_cast<size_t>(edge.from)] + i, first[static_cast<size_t>(edge.to)] + j, bytes, values);
    }
  }
  result.graph = builder.build();
  return result;
}

/// Tasks plus edges of expand(base, slices), without building it.
double expanded_size(const TaskGraph& base, const std::vector<int>& slices) {
  double size = 0;
  for (int k : slices) size += k;
  for (const TaskEdge& e : base.edges()) size += static_cast<double>(slices[static_cast<size_t>(e.from)]) * slices[static_cast<size_t>(e.to)];
  return size;
}

/// The clustering of the expanded graph over the original tasks (a split task where its slice 0 is).
Clustering to_base(const Clustering& expanded, const ExpandedGraph& graph, size_t base_tasks) {
  Clustering result;
  result.clusters.resize(expanded.size());
  for (size_t c = 0; c < expanded.size(); ++c) {
    for (TaskId x : expanded.clusters[c]) {
      if (graph.slice[static_cast<size_t>(x)] == 0) result.clusters[c].push_back(graph.base_task[static_cast<size_t>(x)]);
    }
  }
  std::erase_if(result.clusters, [](const std::vector<TaskId>& members) { return members.empty(); });
  index_clusters(result, base_tasks);
  return result;
}

/// `schedule` (over the expanded graph) as a schedule over the original graph: slice tasks become
/// kSlice steps of their node, step positions and dependencies stay as they are.
Schedule to_base(Schedule schedule, const ExpandedGraph& expanded, const TaskGraph& base, const std::vector<int>& slices) {
  for (WorkerProgram& program : schedule.plan.workers) {
    for (Step& step : program.steps) {
      const size_t x = static_cast<size_t>(step.node);  // expanded graphs have no node ids: node == task
      const TaskId task = expanded.base_task[x];
      const int k = slices[static_cast<size_t>(task)];
      step.node = base.node_of(task);
      if (k > 1) {
        step.kind = StepKind::kSlice;
        step.slice_index = expanded.slice[x];
        step.slice_count = k;
      }
    }
  }
  for (CrossDependency& d : schedule.plan.dependencies) d.producer = base.node_of(expanded.base_task[static_cast<size_t>(d.producer)]);
  schedule.linear_clusters = to_base(schedule.linear_clusters, expanded, base.task_count());
  schedule.merged_clusters = to_base(schedule.merged_clusters, expanded, base.task_count());
  return schedule;
}

/// One split set and its schedule.
struct Trial {
  std::vector<int> slices;  ///< Slice count per task of the original graph (1: whole).
  size_t split_nodes = 0;   ///< Tasks with slices > 1.
  Schedule schedule;        ///< Over the original graph.
};

/// Per worker, the intervals in which it idles (waits and the tail after its last step, which
/// extends forever), to measure how much of a time window it idles.
class IdleProfile {
 public:
  IdleProfile(const Simulation& sim, int threads) : intervals_(static_cast<size_t>(threads)) {
    constexpr double kForever = std::numeric_limits<double>::infinity();
    for (size_t w = 0; w < intervals_.size(); ++w) {
      if (w >= sim.steps.size()) {
        intervals_[w].push_back({0.0, kForever});  // a worker the plan does not use
        continue;
      }
      for (const IdleGap& gap : sim.idle_gaps[w]) intervals_[w].push_back({gap.start_ms, gap.end_ms});
      const double last = sim.steps[w].empty() ? 0.0 : sim.steps[w].back().finish_ms;
      intervals_[w].push_back({last, kForever});
    }
  }

  /// Workers other than `worker` idling for at least kIdleFraction of [start, finish].
  int idle_workers(size_t worker, double start, double finish) const {
    int count = 0;
    for (size_t w = 0; w < intervals_.size(); ++w) {
      if (w != worker && idle_in(w, start, finish) >= kIdleFraction * (finish - start)) ++count;
    }
    return count;
  }

 private:
  double idle_in(size_t worker, double start, double finish) const {
    const std::vector<IdleGap>& gaps = intervals_[worker];
    auto it = std::upper_bound(gaps.begin(), gaps.end(), start, [](double t, const IdleGap& gap) { return t < gap.end_ms; });
    double idle = 0;
    for (; it != gaps.end() && it->start_ms < finish; ++it) idle += std::min(finish, it->end_ms) - std::max(start, it->start_ms);
    return idle;
  }

  std::vector<std::vector<IdleGap>> intervals_;  // sorted by start, disjoint
};

/// A proposed split.
struct Proposal {
  TaskId task;
  int slices;
  double gain_ms;
};

/// Splits worth trying in `trial`'s schedule: unsplit tasks during whose run other workers idle.
std::vector<Proposal> propose_splits(const TaskGraph& graph, const Trial& trial, int threads, const CommModel& comm,
                                     SliceCostCache& slice_cost) {
  const Simulation& sim = trial.schedule.simulation;
  const IdleProfile idle(sim, threads);
  const double min_gain = min_split_gain(sim.makespan_ms, comm);
  std::vector<Proposal> proposals;
  for (size_t w = 0; w < trial.schedule.plan.workers.size(); ++w) {
    const std::vector<Step>& steps = trial.schedule.plan.workers[w].steps;
    for (size_t s = 0; s < steps.size(); ++s) {
      if (steps[s].kind != StepKind::kRun) continue;
      const TaskId task = graph.task_of(steps[s].node);
      const double cost = graph.cost_ms(task);
      if (cost <= min_gain || trial.slices[static_cast<size_t>(task)] > 1) continue;
      const StepTiming& timing = sim.steps[w][s];
      const int most = std::min(threads, 1 + idle.idle_workers(w, timing.start_ms, timing.finish_ms));
      Proposal best{task, 1, 0.0};
      for (int k = 2; k <= most; ++k) {
        const double slice = slice_cost(task, k);
        if (slice >= 0 && cost - slice > best.gain_ms) best = {task, k, cost - slice};
      }
      if (best.slices > 1 && best.gain_ms > min_gain) proposals.push_back(best);
    }
  }
  std::sort(proposals.begin(), proposals.end(), [](const Proposal& a, const Proposal& b) {
    return a.gain_ms != b.gain_ms ? a.gain_ms > b.gain_ms : a.task < b.task;
  });
  return proposals;
}

/// max(CP, W / P) when every task may also run as any allowed split: each task weighs its
/// cheapest form on the path (whole or slowest slice) and its least work (whole, or k slices).
double hybrid_lower_bound(const TaskGraph& graph, int threads, SliceCostCache& slice_cost) {
  std::vector<double> finish(graph.task_count(), 0.0);
  double path = 0, work = 0;
  for (size_t t = 0; t < graph.task_count(); ++t) {
    const TaskId task = static_cast<TaskId>(t);
    double time = graph.cost_ms(task), least_work = time;
    for (int k = 2; k <= threads; ++k) {
      const double slice = slice_cost(task, k);
      if (slice < 0) continue;
      time = std::min(time, slice);
      least_work = std::min(least_work, k * slice);
    }
    double start = 0;
    for (const TaskEdge& e : graph.inputs(task)) start = std::max(start, finish[static_cast<size_t>(e.from)]);
    finish[t] = start + time;
    path = std::max(path, finish[t]);
    work += least_work;
  }
  return std::max(path, work / threads);
}

}  // namespace

std::vector<NodeSplit> split_nodes(const Plan& plan) {
  std::map<ir::NodeId, int> slices;
  for (const WorkerProgram& program : plan.workers) {
    for (const Step& step : program.steps) {
      if (step.kind == StepKind::kSlice) slices[step.node] = step.slice_count;
    }
  }
  std::vector<NodeSplit> result;
  result.reserve(slices.size());
  for (const auto& [node, count] : slices) result.push_back({node, count});
  return result;
}

Schedule compile_hybrid_schedule(const TaskGraph& graph, const SliceCostFn& slice_ms, const SchedulerOptions& options) {
  const auto start = Clock::now();
  Schedule unsplit = compile_schedule(graph, options);
  if (options.threads < 2 || !slice_ms || graph.task_count() == 0) return unsplit;

  const size_t n = graph.task_count();
  const int threads = options.threads;
  SliceCostCache slice_cost(graph, slice_ms, threads);
  std::vector<Trial> trials;
  double trial_work = 0;  // tasks + edges summed over the split sets scored
  const double work_budget = std::max(kTrialWork, kTrialWorkPerGraph * static_cast<double>(n + graph.edge_count()));
  auto may_try_more = [&] { return static_cast<int>(trials.size()) < kMaxTrials && trial_work < work_budget; };
  trials.push_back({std::vector<int>(n, 1), 0, std::move(unsplit)});
  // Split graphs are mapped with affinity alone: it was the best or tied mapping of every split
  // candidate of the zoo models at P = 2, 4, 8 and 16 (108 of 108, analytic and measured costs),
  // and the other five strategies took most of the compile time at P = 16.
  SchedulerOptions split_options = options;
  split_options.every_mapping_strategy = false;
  // Scores one split set (unless already scored or beyond the work budget); returns its index in
  // `trials`, or nullopt if it was not scored.
  auto evaluate = [&](std::vector<int> slices) -> std::optional<size_t> {
    for (size_t i = 0; i < trials.size(); ++i) {
      if (trials[i].slices == slices) return i;
    }
    const double work = expanded_size(graph, slices);
    if (trial_work + work > work_budget) return std::nullopt;
    trial_work += work;
    ExpandedGraph expanded = expand(graph, slices, slice_cost);
    Schedule schedule = to_base(compile_schedule(expanded.graph, split_options), expanded, graph, slices);
    const size_t splits = static_cast<size_t>(std::count_if(slices.begin(), slices.end(), [](int k) { return k > 1; }));
    trials.push_back({std::move(slices), splits, std::move(schedule)});
    return trials.size() - 1;
  };
  auto makespan = [&](size_t trial) { return trials[trial].schedule.stats.makespan_ms; };

  // Candidate: every node split into the slice count that gains most, if any gains, the most
  // profitable first while the graph stays within its share of the work budget.
  {
    std::vector<Proposal> profitable;
    const double min_gain = min_split_gain(makespan(0), options.comm);
    for (size_t t = 0; t < n; ++t) {
      const TaskId task = static_cast<TaskId>(t);
      Proposal best{task, 1, min_gain};
      for (int k = 2; k <= threads; ++k) {
        const double slice = slice_cost(task, k);
        if (slice >= 0 && graph.cost_ms(task) - slice > best.gain_ms) best = {task, k, graph.cost_ms(task) - slice};
      }
      if (best.slices > 1) profitable.push_back(best);
    }
    if (profitable.empty()) return std::move(trials.front().schedule);  // nothing can be split profitably
    std::sort(profitable.begin(), profitable.end(), [](const Proposal& a, const Proposal& b) {
      return a.gain_ms != b.gain_ms ? a.gain_ms > b.gain_ms : a.task < b.task;
    });
    std::vector<int> all(n, 1);
    double size = static_cast<double>(n + graph.edge_count());
    for (const Proposal& p : profitable) {
      // Growth of expand(all) when p.task goes from 1 to p.slices pieces.
      double growth = p.slices - 1;
      for (const TaskEdge& e : graph.inputs(p.task)) growth += static_cast<double>(all[static_cast<size_t>(e.from)]) * (p.slices - 1);
      for (const TaskEdge& e : graph.outputs(p.task)) growth += static_cast<double>(all[static_cast<size_t>(e.to)]) * (p.slices - 1);
      if (size + growth > kFirstCandidateShare * work_budget) continue;
      all[static_cast<size_t>(p.task)] = p.slices;
      size += growth;
    }
    evaluate(std::move(all));
  }
  // Rounds of idle-driven proposals, from the unsplit schedule on.
  size_t current = 0;
  while (may_try_more()) {
    std::vector<Proposal> proposals = propose_splits(graph, trials[current], threads, options.comm, slice_cost);
    if (proposals.empty()) break;
    // All proposals, then the better half, quarter, ... down to the single best, until one helps.
    bool improved = false;
    for (size_t count = proposals.size(); count > 0 && !improved && may_try_more(); count /= 2) {
      std::vector<int> slices = trials[current].slices;
      for (size_t i = 0; i < count; ++i) slices[static_cast<size_t>(proposals[i].task)] = proposals[i].slices;
      const std::optional<size_t> trial = evaluate(std::move(slices));
      if (trial && makespan(*trial) < makespan(current)) {
        current = *trial;
        improved = true;
      }
    }
    if (!improved) break;
  }

  // Fewest splits within the tolerance of the best makespan; then the faster; then the earlier.
  double best = makespan(0);
  for (size_t i = 1; i < trials.size(); ++i) best = std::min(best, makespan(i));
  size_t chosen = 0;
  for (size_t i = 1; i < trials.size(); ++i) {
    if (makespan(i) > best * (1 + options.worker_tolerance)) continue;
    if (makespan(chosen) > best * (1 + options.worker_tolerance) || trials[i].split_nodes < trials[chosen].split_nodes ||
        (trials[i].split_nodes == trials[chosen].split_nodes && makespan(i) < makespan(chosen))) {
      chosen = i;
    }
  }

  Schedule result = std::move(trials[chosen].schedule);
  ScheduleStats& stats = result.stats;
  stats.unsplit_makespan_ms = makespan(0);
  stats.split_trials = static_cast<int>(trials.size());
  stats.lower_bound_ms = hybrid_lower_bound(graph, threads, slice_cost);
  if (chosen != 0) {
    const auto phase = Clock::now();
    // The plan over the original graph, simulated with the real slice costs (equal to the
    // expanded graph's simulation, step for step).
    result.simulation = simulate(graph, result.plan, options.comm, slice_ms);
    stats.makespan_ms = result.simulation.makespan_ms;
    stats.serial_ms = graph.total_work_ms();
    stats.critical_path_ms = graph.critical_path_ms();
    stats.split_nodes = trials[chosen].split_nodes;
    stats.slices = 0;
    for (int k : trials[chosen].slices) stats.slices += k > 1 ? static_cast<size_t>(k) : 0;
    result.times.simulation_ms += elapsed_ms(phase);
  }
  result.times.total_ms = elapsed_ms(start);
  result.times.splitting_ms = result.times.total_ms - result.times.clustering_ms - result.times.merging_ms - result.times.mapping_ms -
                              result.times.simulation_ms - result.times.cloning_ms;
  return result;
}

Schedule compile_hybrid_schedule(const ir::Graph& graph, const std::vector<double>& node_ms, const SliceCostFn& slice_ms,
                                 const SchedulerOptions& options) {
  return compile_hybrid_schedule(task_graph_from_ir(graph, node_ms), slice_ms, options);
}

}  // namespace ramiel::schedule
