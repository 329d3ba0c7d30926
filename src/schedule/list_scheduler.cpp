#include "schedule/list_scheduler.h"

#include <algorithm>

#include "schedule/timeline.h"
#include "schedule/upward_rank.h"

namespace ramiel::schedule {


WorkerOrders list_schedule(const TaskGraph& graph, int workers, const CommModel& comm, int max_gap_search) {
  const size_t n = graph.task_count();
  workers = std::max(workers, 1);
  std::vector<TaskId> order = priority_order(upward_ranks(graph, comm));
  std::vector<Timeline> timelines(static_cast<size_t>(workers));
  std::vector<int32_t> worker_of(n, -1);
  std::vector<double> finish(n, 0.0);
  std::vector<double> ready;
  int64_t position = 0;  // place in priority order, to order zero-cost tasks
  for (TaskId t : order) {
    data_ready_times(graph, comm, t, worker_of, finish, workers, ready);
    const double cost = graph.cost_ms(t);
    int32_t best_worker = -1;
    Timeline::Fit best;
    for (int32_t w = 0; w < workers; ++w) {
      Timeline::Fit fit = timelines[static_cast<size_t>(w)].earliest_fit(ready[static_cast<size_t>(w)], cost, max_gap_search);
      if (best_worker < 0 || fit.start_ms < best.start_ms) {
        best = fit;
        best_worker = w;
      }
    }
    timelines[static_cast<size_t>(best_worker)].insert(best, t, cost, position++);
    worker_of[static_cast<size_t>(t)] = best_worker;
    finish[static_cast<size_t>(t)] = best.start_ms + cost;
  }
  WorkerOrders orders;
  for (const Timeline& timeline : timelines) {
    if (timeline.empty()) continue;
    orders.emplace_back();
    for (TaskId t : timeline.tasks()) orders.back().push_back({t, false});
  }
  if (orders.empty()) orders.resize(1);
  return orders;
}

}  // namespace ramiel::schedule
