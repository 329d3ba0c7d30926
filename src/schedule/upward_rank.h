#pragma once
/// \file
/// Upward rank (HEFT's priority): the heaviest path from a task to the end of the graph, counting
/// task costs and the hand-off cost of every edge that may cross workers.

#include <vector>

#include "schedule/clustering.h"
#include "schedule/comm_model.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// Upward rank of every task. Edges inside one cluster of `clustering` (if given) are free.
/// O(tasks + edges).
std::vector<double> upward_ranks(const TaskGraph& graph, const CommModel& comm, const Clustering* clustering = nullptr);

/// Tasks by decreasing rank, ties by ascending id: a topological order (a task's rank is never
/// below its successors'). O(tasks log tasks).
std::vector<TaskId> priority_order(const std::vector<double>& ranks);

/// Earliest time `task` could start on each of `workers` workers given where (`worker_of`) and
/// when (`finish_ms`) its predecessors ran: a predecessor on another worker adds a hand-off.
/// Writes `ready_ms[w]`; O(in-degree + workers).
void data_ready_times(const TaskGraph& graph, const CommModel& comm, TaskId task, const std::vector<int32_t>& worker_of,
                      const std::vector<double>& finish_ms, int workers, std::vector<double>& ready_ms);

}  // namespace ramiel::schedule
