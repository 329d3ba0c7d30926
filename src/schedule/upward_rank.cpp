#include "schedule/upward_rank.h"

#include <algorithm>
#include <numeric>

namespace ramiel::schedule {

std::vector<double> upward_ranks(const TaskGraph& graph, const CommModel& comm, const Clustering* clustering) {
  const size_t n = graph.task_count();
  std::vector<double> rank(n, 0.0);
  for (size_t i = n; i-- > 0;) {
    TaskId t = static_cast<TaskId>(i);
    double best = 0;
    for (const TaskEdge& edge : graph.outputs(t)) {
      bool same = clustering && clustering->cluster_of[i] == clustering->cluster_of[static_cast<size_t>(edge.to)];
      best = std::max(best, (same ? 0.0 : comm.edge_ms(edge.bytes)) + rank[static_cast<size_t>(edge.to)]);
    }
    rank[i] = graph.cost_ms(t) + best;
  }
  return rank;
}

std::vector<TaskId> priority_order(const std::vector<double>& ranks) {
  std::vector<TaskId> order(ranks.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](TaskId a, TaskId b) {
    double ra = ranks[static_cast<size_t>(a)], rb = ranks[static_cast<size_t>(b)];
    return ra != rb ? ra > rb : a < b;
  });
  return order;
}

void data_ready_times(const TaskGraph& graph, const CommModel& comm, TaskId task, const std::vector<int32_t>& worker_of,
                      const std::vector<double>& finish_ms, int workers, std::vector<double>& ready_ms) {
  ready_ms.assign(static_cast<size_t>(workers), 0.0);
  // Local arrivals per worker; the two latest remote arrivals from distinct workers.
  double first = 0, second = 0;
  int32_t first_worker = -1;
  for (const TaskEdge& edge : graph.inputs(task)) {
    const size_t p = static_cast<size_t>(edge.from);
    const int32_t w = worker_of[p];
    double& local = ready_ms[static_cast<size_t>(w)];
    local = std::max(local, finish_ms[p]);
    double remote = finish_ms[p] + comm.edge_ms(edge.bytes);
    if (w == first_worker) {
      first = std::max(first, remote);
    } else if (remote > first) {
      second = first;
      first = remote;
      first_worker = w;
    } else {
      second = std::max(second, remote);
    }
  }
  for (int32_t w = 0; w < workers; ++w) {
    double& r = ready_ms[static_cast<size_t>(w)];
    r = std::max(r, w == first_worker ? second : first);
  }
}

}  // namespace ramiel::schedule
