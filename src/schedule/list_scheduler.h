#pragma once
/// \file
/// The baseline: a classic HEFT list scheduler (Topcuoglu et al. 2002), to measure the clustering
/// pipeline against. Same task graph, same hand-off costs, same simulator.

#include "schedule/comm_model.h"
#include "schedule/plan_builder.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// HEFT on `workers` identical workers: tasks in decreasing upward rank, each placed on the worker
/// where it finishes earliest, inserted into an idle gap when one fits (searching at most
/// `max_gap_search` gaps per worker, then appending). O(tasks log tasks + (edges + tasks *
/// max_gap_search) * workers). Workers left without tasks are dropped.
WorkerOrders list_schedule(const TaskGraph& graph, int workers, const CommModel& comm, int max_gap_search = 64);

}  // namespace ramiel::schedule
