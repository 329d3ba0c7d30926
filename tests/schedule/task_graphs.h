#pragma once
// Small hand-made task graphs for the scheduler tests.
#include <initializer_list>
#include <utility>
#include <vector>

#include "schedule/comm_model.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule::testing {

/// A task graph with `costs[i]` as the cost of task i and the given (from, to) edges (0 bytes).
inline TaskGraph make_graph(std::vector<double> costs, std::initializer_list<std::pair<TaskId, TaskId>> edges) {
  TaskGraphBuilder b;
  for (double c : costs) b.add_task(c);
  for (auto [from, to] : edges) b.add_edge(from, to, 0);
  return b.build();
}

/// A chain of `length` tasks costing `cost` each.
inline TaskGraph chain(int length, double cost) {
  TaskGraphBuilder b;
  for (int i = 0; i < length; ++i) {
    b.add_task(cost);
    if (i > 0) b.add_edge(i - 1, i, 0);
  }
  return b.build();
}

/// A communication model with no cost at all.
inline CommModel free_comm() { return CommModel{0.0, 0.0}; }

}  // namespace ramiel::schedule::testing
