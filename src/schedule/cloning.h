#pragma once
/// \file
/// Task cloning: recompute a cheap task on a consumer's worker instead of waiting for it to arrive
/// from another worker, when that shortens the simulated makespan.

#include <cstddef>

#include "schedule/comm_model.h"
#include "schedule/plan_builder.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// Limits on cloning.
struct CloningOptions {
  double max_task_fraction = 0.005;   ///< Never clone a task costing more than this fraction of W.
  double budget_fraction = 0.03;      ///< Total cost of all clones at most this fraction of W.
  size_t max_closure = 4;             ///< Most tasks cloned together (a task plus missing ancestors).
  size_t max_evaluations = 48;        ///< Most candidate clonings simulated.
  double evaluation_work = 5e5;       ///< Cap on evaluations * (tasks + edges): bounds compile time on large graphs.
};

/// What cloning did.
struct CloningResult {
  WorkerOrders orders;      ///< The orders with clone steps inserted.
  double makespan_ms = 0;   ///< Simulated makespan of the result.
  size_t cloned = 0;        ///< Clone steps added.
  double cloned_ms = 0;     ///< Work they add.
  size_t evaluations = 0;   ///< Candidates simulated.
};

/// Greedy cloning. Candidates are cross-worker dependencies the consumer actually waited for,
/// longest wait first. For a candidate (task u needed on worker w) the clone set is u plus those
/// of its ancestors not already computed earlier on w (at most max_closure tasks, each cloneable
/// and cheap, total within the budget); they are inserted as clones just before u's first consumer
/// on w. The change is kept if the simulated makespan drops by at least 0.1%, else undone; candidates are
/// recomputed after every accepted clone. Each evaluation is one O(steps + edges) simulation.
CloningResult clone_tasks(const TaskGraph& graph, WorkerOrders orders, const CommModel& comm, const CloningOptions& options = {});

}  // namespace ramiel::schedule
