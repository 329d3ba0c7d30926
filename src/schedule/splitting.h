#pragma once
/// \file
/// Hybrid intra/inter-operator parallelism: deciding which nodes to split into slices that run at
/// the same time on several workers, where the critical path would otherwise leave workers idle,
/// and scheduling the result with the usual pipeline (scheduler.h).

#include <vector>

#include "ir/graph.h"
#include "schedule/plan.h"
#include "schedule/scheduler.h"
#include "schedule/slice_costs.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// A node a plan splits, and into how many slices.
struct NodeSplit {
  ir::NodeId node = ir::kNone;  ///< The split node.
  int slices = 0;               ///< Its slice count (>= 2).

  /// Equality, for tests.
  bool operator==(const NodeSplit&) const = default;
};

/// The nodes `plan` runs as kSlice steps, by ascending node id. O(steps log steps).
std::vector<NodeSplit> split_nodes(const Plan& plan);

/// Like compile_schedule(), but may also split nodes into 2..options.threads slices (kSlice steps)
/// when that shortens the simulated makespan; slice_ms(graph.node_of(task), k) is the cost of the
/// slowest slice (negative: cannot split so). The algorithm:
///   1. compile_schedule() of `graph` unsplit, simulated;
///   2. the candidate "every node split into the slice count with the largest gain (node cost -
///      slice cost), where one gains" (the most profitable first, within half the work budget);
///   3. rounds from the unsplit schedule: for each unsplit node, the workers idle (for at least
///      half of its run) while it runs give k = 1 + idle workers at most; the k in 2..that with
///      the largest gain is proposed if it gains; the proposals (all, then the better half,
///      quarter, ... down to the single best, until one shortens the makespan) are added to the
///      current split set, which the first that helps replaces;
///   4. of every split set scored, the fewest splits within options.worker_tolerance of the best
///      makespan wins (the unsplit schedule included), so splitting has to pay clearly.
/// A split set is scored by compile_schedule() of the task graph in which every split node is
/// replaced by its slices (same predecessors and successors, slice cost, not cloneable; their
/// producers are not cloned either, since slices read original outputs). The split sets scored
/// are capped at 10 and at max(12k, 4 x the graph's) tasks + edges of their task graphs together:
/// 0.3-3 ms for the zoo models at P = 2, 1-7 ms at P = 4, 2-18 ms at P = 16; larger graphs get the
/// work of about four schedules of their own size.
///
/// The plan is over `graph` (split nodes as kSlice steps); Schedule::simulation simulates it with
/// slice_ms. Deterministic. With threads == 1, an empty slice_ms, or no node that any split makes
/// cheaper, the result is compile_schedule()'s; when splits do not pay, the plan is. When a split
/// set is chosen, the clustering, mapping and cloning figures of Schedule::stats and its phase
/// times are those of its task graph (slices as tasks; makespan_by_workers[0] is that graph's
/// serial time); serial_ms and critical_path_ms are `graph`'s. Whenever splits were scored,
/// lower_bound_ms is max(CP, W / P) with every node in its cheapest allowed form (a valid bound
/// for split plans). Throws kInvalidArgument if threads < 1.
Schedule compile_hybrid_schedule(const TaskGraph& graph, const SliceCostFn& slice_ms, const SchedulerOptions& options);

/// compile_hybrid_schedule() of task_graph_from_ir(graph, node_ms).
Schedule compile_hybrid_schedule(const ir::Graph& graph, const std::vector<double>& node_ms, const SliceCostFn& slice_ms,
                                 const SchedulerOptions& options);

}  // namespace ramiel::schedule
