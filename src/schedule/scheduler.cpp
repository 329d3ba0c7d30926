#include "schedule/scheduler.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "ramiel/error.h"
#include "schedule/cluster_merging.h"
#include "schedule/plan_builder.h"
#include "schedule/upward_rank.h"
#include "schedule/worker_mapping.h"

namespace ramiel::schedule {

namespace {

using Clock = std::chrono::steady_clock;

/// Graphs with (tasks + edges) * P up to this are mapped with every strategy for every p (ML models:
/// BERT-base is about 1.5k tasks + edges).
constexpr size_t kExhaustiveWork = 50'000;

/// Fewest cloning evaluations worth running (see CloningOptions::evaluation_work).
constexpr double kMinCloneEvaluations = 4;

double elapsed_ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

}  // namespace

Schedule compile_schedule(const TaskGraph& graph, const SchedulerOptions& options) {
  if (options.threads < 1) {
    throw Error(ErrorKind::kInvalidArgument, "--threads must be at least 1, got " + std::to_string(options.threads));
  }
  const auto start = Clock::now();
  Schedule result;
  ScheduleStats& stats = result.stats;
  stats.serial_ms = graph.total_work_ms();
  stats.critical_path_ms = graph.critical_path_ms();
  stats.lower_bound_ms = std::max(stats.critical_path_ms, stats.serial_ms / options.threads);

  auto phase = Clock::now();
  result.linear_clusters = linear_clustering(graph, options.comm, &stats.clustering);
  result.times.clustering_ms = elapsed_ms(phase);
  stats.clusters_initial = result.linear_clusters.size();

  phase = Clock::now();
  result.merged_clusters = options.merge ? merge_disjoint_clusters(graph, result.linear_clusters, options.comm, 16, &stats.merge_rounds)
                                         : result.linear_clusters;
  result.times.merging_ms = elapsed_ms(phase);
  stats.clusters_merged = result.merged_clusters.size();

  // Candidates for p = 1..P workers; p = 1 is the serial order. Only candidates within the
  // tolerance of the best so far are kept, so memory stays O(tasks) in practice.
  struct Candidate {
    int workers;
    double makespan_ms;
    WorkerOrders orders;
    std::string how;
  };
  const int max_workers = static_cast<int>(std::min<size_t>(static_cast<size_t>(options.threads),
                                                            std::max<size_t>(result.linear_clusters.size(), 1)));
  const double tolerance = 1 + options.worker_tolerance;
  std::vector<Candidate> kept;
  kept.push_back({1, stats.serial_ms, serial_orders(graph), "serial"});
  double best = stats.serial_ms;
  stats.makespan_by_workers.assign(static_cast<size_t>(max_workers), std::numeric_limits<double>::quiet_NaN());
  stats.makespan_by_workers[0] = stats.serial_ms;
  if (max_workers > 1) {
    phase = Clock::now();
    std::vector<TaskId> priority = priority_order(upward_ranks(graph, options.comm, &result.linear_clusters));
    result.times.mapping_ms += elapsed_ms(phase);
    struct Way {
      const Clustering* units;
      const ClusterSpans* spans;
      MappingStrategy strategy;
      const char* name;
    };
    const bool merged_differs = result.merged_clusters.size() != result.linear_clusters.size();
    const size_t size = graph.task_count() + graph.edge_count();
    const bool small = size * static_cast<size_t>(max_workers) <= kExhaustiveWork;
    // Affinity mapping is the best or tied on every large random DAG we measured, so large graphs
    // use it alone; small graphs (every ML model so far) try all six.
    std::vector<Way> ways = {{&result.linear_clusters, nullptr, MappingStrategy::kAffinity, "affinity, linear clusters"}};
    ClusterSpans linear_spans, merged_spans;
    if (small && options.every_mapping_strategy) {
      phase = Clock::now();
      linear_spans = cluster_spans(graph, result.linear_clusters, options.comm);
      if (merged_differs) merged_spans = cluster_spans(graph, result.merged_clusters, options.comm);
      result.times.mapping_ms += elapsed_ms(phase);
      ways.push_back({&result.linear_clusters, nullptr, MappingStrategy::kEarliestFinish, "earliest finish, linear clusters"});
      ways.push_back({&result.linear_clusters, nullptr, MappingStrategy::kFirstTaskFinish, "first-task finish, linear clusters"});
      ways.push_back({&result.linear_clusters, &linear_spans, MappingStrategy::kSpanPacking, "span packing, linear clusters"});
      if (merged_differs) {
        ways.push_back({&result.merged_clusters, nullptr, MappingStrategy::kEarliestFinish, "earliest finish, merged clusters"});
        ways.push_back({&result.merged_clusters, &merged_spans, MappingStrategy::kSpanPacking, "span packing, merged clusters"});
      }
    }
    // Best makespan over all ways with p workers; keeps the candidates within tolerance.
    auto evaluate = [&](int p) {
      double best_p = std::numeric_limits<double>::infinity();
      for (const Way& way : ways) {
        phase = Clock::now();
        // In the binary search only mappings within the tolerance matter: give up beyond it.
        const double give_up = small ? std::numeric_limits<double>::infinity() : best * tolerance;
        WorkerMapping mapping =
            map_clusters_to_workers(graph, *way.units, p, options.comm, priority, way.strategy, way.spans, give_up, best * tolerance);
        result.times.mapping_ms += elapsed_ms(phase);
        // The mapper's estimate follows the simulator's rules (same start rule, same hand-off
        // costs) and bounds its result from above, so candidates are compared without building
        // their plans; the chosen one is simulated below.
        const double makespan = mapping.estimated_ms;
        best_p = std::min(best_p, makespan);
        if (makespan > best * tolerance) continue;
        best = std::min(best, makespan);
        kept.push_back({p, makespan, std::move(mapping.orders), way.name});
        std::erase_if(kept, [&](const Candidate& c) { return c.makespan_ms > best * tolerance; });
      }
      stats.makespan_by_workers[static_cast<size_t>(p) - 1] = best_p;
      return best_p;
    };
    if (small) {
      // Exhaustive over p, with two exact cuts. A mapping onto p workers takes at least W / p, so
      // p is skipped once some mapping beats that by the tolerance: all P workers go first to
      // find one early (on split graphs at P = 16 this leaves about a third of the worker counts
      // to map). And every mapping takes at least CP, so once a candidate with fewer than p
      // workers is within the tolerance of CP, no p or more can be chosen.
      auto settled_below = [&](int p) {
        return std::any_of(kept.begin(), kept.end(), [&](const Candidate& c) {
          return c.workers < p && c.makespan_ms <= stats.critical_path_ms * tolerance;
        });
      };
      if (!settled_below(2)) evaluate(max_workers);
      for (int p = 2; p < max_workers && !settled_below(p); ++p) {
        if (stats.serial_ms / p <= best * tolerance) evaluate(p);
      }
    } else {
      // Large graph: all P workers, then a binary search for the fewest workers within the
      // tolerance (makespan is close to non-increasing in p). W/p bounds out hopeless p unmapped.
      evaluate(max_workers);
      int lo = 2, hi = max_workers;
      while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (stats.serial_ms / mid > best * tolerance || evaluate(mid) > best * tolerance) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
    }
    // "At most p workers": fewer workers remain an option.
    for (size_t p = 1; p < stats.makespan_by_workers.size(); ++p) {
      double& value = stats.makespan_by_workers[p];
      if (!std::isnan(value)) {
        for (size_t q = p; q-- > 0;) {
          if (!std::isnan(stats.makespan_by_workers[q])) {
            value = std::min(value, stats.makespan_by_workers[q]);
            break;
          }
        }
      }
    }
  }
  // Fewest workers within the tolerance of the best; among those, the fastest.
  auto chosen = std::min_element(kept.begin(), kept.end(), [](const Candidate& a, const Candidate& b) {
    return a.workers != b.workers ? a.workers < b.workers : a.makespan_ms < b.makespan_ms;
  });
  WorkerOrders best_orders = std::move(chosen->orders);
  stats.mapping = chosen->how;
  kept.clear();

  // Each cloning candidate costs a simulation; below a handful of them (graphs of ~100k tasks and
  // up) cloning is skipped rather than run blind.
  const double clone_evaluations = std::min<double>(static_cast<double>(options.cloning.max_evaluations),
                                                    options.cloning.evaluation_work / static_cast<double>(graph.task_count() + graph.edge_count() + 1));
  stats.cloning_skipped = options.clone && best_orders.size() > 1 && clone_evaluations < kMinCloneEvaluations;
  if (options.clone && best_orders.size() > 1 && !stats.cloning_skipped) {
    phase = Clock::now();
    CloningResult cloned = clone_tasks(graph, std::move(best_orders), options.comm, options.cloning);
    best_orders = std::move(cloned.orders);
    stats.cloned_tasks = cloned.cloned;
    stats.cloned_ms = cloned.cloned_ms;
    result.times.cloning_ms = elapsed_ms(phase);
  }

  phase = Clock::now();
  result.plan = assemble_plan(graph, best_orders);
  result.simulation = simulate(graph, result.plan, options.comm);
  if (result.simulation.makespan_ms > stats.serial_ms) {
    // Only possible when bytes cost something (the mapper's estimate is then not a strict upper
    // bound): never hand out a plan slower than running serially.
    result.plan = assemble_plan(graph, serial_orders(graph));
    result.simulation = simulate(graph, result.plan, options.comm);
    stats.mapping = "serial (parallel plan simulated slower)";
    stats.cloned_tasks = 0;
    stats.cloned_ms = 0;
  }
  result.times.simulation_ms += elapsed_ms(phase);
  stats.workers = result.plan.worker_count();
  stats.makespan_ms = result.simulation.makespan_ms;
  stats.unsplit_makespan_ms = stats.makespan_ms;
  result.times.total_ms = elapsed_ms(start);
  return result;
}

}  // namespace ramiel::schedule
