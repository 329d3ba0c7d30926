#pragma once
/// \file
/// Turning per-worker task orders (what the scheduling algorithms produce) into a Plan: node ids
/// instead of task ids, and the cross-worker dependencies derived from the task graph.

#include <vector>

#include "schedule/plan.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// One entry of a worker's order: a task, run for real or as a clone.
struct PlacedTask {
  TaskId task = 0;     ///< The task.
  bool clone = false;  ///< True for a clone (the original runs on another worker).
};

/// The task order of every worker.
using WorkerOrders = std::vector<std::vector<PlacedTask>>;

/// Builds the plan that runs `orders`: one dependency per (producing step, consuming worker),
/// placed at the first step of the consuming worker that reads the producer without an earlier
/// local instance (original or clone). O(steps + edges). Throws kInternal if some step would read
/// a value its own worker computes only later (the orders are not a valid schedule).
Plan assemble_plan(const TaskGraph& graph, const WorkerOrders& orders);

/// Orders that run every task on one worker, in ascending id (a topological order).
WorkerOrders serial_orders(const TaskGraph& graph);

}  // namespace ramiel::schedule
