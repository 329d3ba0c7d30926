#pragma once
/// \file
/// Mapping clusters onto a fixed number of workers: the step that turns "as many chains as the
/// graph is wide" into "at most P threads". A cluster is never split: mapping merges clusters.

#include <limits>
#include <vector>

#include "schedule/cluster_merging.h"
#include "schedule/clustering.h"
#include "schedule/comm_model.h"
#include "schedule/plan_builder.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// How clusters are given workers.
enum class MappingStrategy {
  /// When its first task comes up in priority order, a cluster goes to the worker where
  /// (that task's earliest finish + work still owed to clusters already on the worker) is least:
  /// a worker that carries a long cluster (the critical path) is not picked just because it is
  /// free right now.
  kEarliestFinish,
  /// Clusters in order of their start in the one-worker-per-cluster simulation; each goes to a
  /// worker that is free by then (the one that became free last), else to the one that frees up
  /// first (Das & Rauchwerger's "at most P clusters at once").
  kSpanPacking,
  /// Like kEarliestFinish without the owed-work term for a cluster's first task, and clusters are
  /// affinities rather than bonds: a later task stays on its cluster's worker unless another
  /// worker would finish it strictly earlier, hand-off included; the rest of the cluster then
  /// follows it there. Splits a chain where waiting for its worker costs more than a hand-off.
  kAffinity,
  /// kEarliestFinish without the owed-work term: plain earliest finish of the first task.
  kFirstTaskFinish,
};

/// A mapping of tasks to workers, with the makespan it was estimated at.
struct WorkerMapping {
  WorkerOrders orders;        ///< Task order of each worker that got work (empty workers dropped).
  double estimated_ms = 0;    ///< Makespan the mapper computed; simulate() of the orders never exceeds it when bytes cost nothing.
};

/// Maps the clusters of `units` onto at most `workers` workers. After the cluster-to-worker
/// choice, tasks are list-scheduled in `priority` order (a topological order, e.g.
/// priority_order(upward_ranks())): each is appended to its cluster's worker, starting when both
/// the worker and its inputs (plus a hand-off from other workers) are ready; the estimate is the
/// resulting makespan. kSpanPacking uses `spans` (cluster_spans() of `units`), computing them if
/// null. If a task would finish after `give_up_after_ms` the mapping stops early and returns no
/// orders and an infinite estimate (the caller only wants mappings that beat that). If the
/// estimate exceeds `orders_up_to_ms` the orders are not built (only the estimate is wanted).
/// O((tasks + edges) * gap search + placements * workers + clusters log clusters), where
/// placements is the number of clusters (every task for kAffinity).
WorkerMapping map_clusters_to_workers(const TaskGraph& graph, const Clustering& units, int workers, const CommModel& comm,
                                      const std::vector<TaskId>& priority, MappingStrategy strategy,
                                      const ClusterSpans* spans = nullptr,
                                      double give_up_after_ms = std::numeric_limits<double>::infinity(),
                                      double orders_up_to_ms = std::numeric_limits<double>::infinity());

}  // namespace ramiel::schedule
