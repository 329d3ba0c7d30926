#include "schedule/worker_mapping.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "schedule/cluster_merging.h"
#include "schedule/timeline.h"
#include "schedule/upward_rank.h"

namespace ramiel::schedule {

namespace {

/// Idle gaps searched per placement (then the task is appended).
constexpr int kMaxGapSearch = 16;

/// kSpanPacking: workers for clusters from their spans when each has a worker of its own.
std::vector<int32_t> pack_spans(const Clustering& units, int workers, const ClusterSpans& spans) {
  const size_t k = units.size();
  std::vector<int32_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    const size_t ia = static_cast<size_t>(a), ib = static_cast<size_t>(b);
    if (spans.start_ms[ia] != spans.start_ms[ib]) return spans.start_ms[ia] < spans.start_ms[ib];
    double la = spans.finish_ms[ia] - spans.start_ms[ia], lb = spans.finish_ms[ib] - spans.start_ms[ib];
    return la != lb ? la > lb : a < b;
  });
  std::vector<int32_t> worker_of_unit(k, 0);
  std::vector<double> free_at(static_cast<size_t>(workers), 0.0);
  for (int32_t u : order) {
    const size_t iu = static_cast<size_t>(u);
    int32_t best = -1;
    for (int32_t w = 0; w < workers; ++w) {
      const double f = free_at[static_cast<size_t>(w)];
      if (best < 0) {
        best = w;
        continue;
      }
      const double fb = free_at[static_cast<size_t>(best)];
      const bool free_now = f <= spans.start_ms[iu], best_free_now = fb <= spans.start_ms[iu];
      // Prefer a free worker, the one that became free last; if none is free, the first to free up.
      if (free_now != best_free_now ? free_now : (free_now ? f > fb : f < fb)) best = w;
    }
    worker_of_unit[iu] = best;
    double& f = free_at[static_cast<size_t>(best)];
    f = std::max(f, spans.start_ms[iu]) + (spans.finish_ms[iu] - spans.start_ms[iu]);
  }
  return worker_of_unit;
}

}  // namespace

WorkerMapping map_clusters_to_workers(const TaskGraph& graph, const Clustering& units, int workers, const CommModel& comm,
                                      const std::vector<TaskId>& priority, MappingStrategy strategy,
                                      const ClusterSpans* spans, double give_up_after_ms, double orders_up_to_ms) {
  const size_t n = graph.task_count();
  workers = std::max(workers, 1);
  std::vector<int32_t> worker_of_unit(units.size(), -1);
  if (strategy == MappingStrategy::kSpanPacking) {
    worker_of_unit = pack_spans(units, workers, spans ? *spans : cluster_spans(graph, units, comm));
  }
  std::vector<double> unit_remaining(units.size(), 0.0);  // work of the cluster not yet placed
  for (size_t u = 0; u < units.size(); ++u) {
    for (TaskId t : units.clusters[u]) unit_remaining[u] += graph.cost_ms(t);
  }
  std::vector<int32_t> worker_of(n, -1);
  std::vector<double> finish(n, 0.0);
  std::vector<Timeline> timelines(static_cast<size_t>(workers));
  std::vector<double> owed(static_cast<size_t>(workers), 0.0);  // unscheduled work of clusters on the worker
  std::vector<double> ready;
  double makespan = 0;
  int64_t position = 0;  // place in priority order, to order zero-cost tasks
  for (TaskId t : priority) {
    const size_t i = static_cast<size_t>(t);
    const size_t unit = static_cast<size_t>(units.cluster_of[i]);
    const double cost = graph.cost_ms(t);
    data_ready_times(graph, comm, t, worker_of, finish, workers, ready);
    int32_t w = worker_of_unit[unit];
    Timeline::Fit fit;
    bool split = strategy == MappingStrategy::kAffinity;
    if (w >= 0) fit = timelines[static_cast<size_t>(w)].earliest_fit(ready[static_cast<size_t>(w)], cost, kMaxGapSearch);
    // A task that starts on its cluster's worker as soon as its inputs exist anywhere cannot do better elsewhere.
    if (split && w >= 0 && fit.start_ms <= *std::min_element(ready.begin(), ready.end())) split = false;
    if (w < 0 || split) {
      const double owed_weight = strategy == MappingStrategy::kEarliestFinish ? 1.0 : 0.0;
      int32_t chosen = w;
      double best = w >= 0 ? fit.start_ms + cost : 0;
      for (int32_t candidate = 0; candidate < workers; ++candidate) {
        const size_t c = static_cast<size_t>(candidate);
        if (candidate == w) continue;
        Timeline::Fit f = timelines[c].earliest_fit(ready[c], cost, kMaxGapSearch);
        double score = f.start_ms + cost + owed_weight * owed[c];
        if (chosen < 0 || score < best) {
          best = score;
          chosen = candidate;
          fit = f;
        }
      }
      if (chosen != w) {
        if (w >= 0) owed[static_cast<size_t>(w)] -= unit_remaining[unit];
        w = chosen;
        worker_of_unit[unit] = w;
        owed[static_cast<size_t>(w)] += unit_remaining[unit];
      }
    }
    const size_t wi = static_cast<size_t>(w);
    timelines[wi].insert(fit, t, cost, position++);
    finish[i] = fit.start_ms + cost;
    owed[wi] -= cost;
    unit_remaining[unit] -= cost;
    worker_of[i] = w;
    makespan = std::max(makespan, finish[i]);
    if (makespan > give_up_after_ms) return {{}, std::numeric_limits<double>::infinity()};
  }
  WorkerOrders orders;
  if (makespan > orders_up_to_ms) return {std::move(orders), makespan};
  for (const Timeline& timeline : timelines) {
    if (timeline.empty()) continue;
    orders.emplace_back();
    for (TaskId t : timeline.tasks()) orders.back().push_back({t, false});
  }
  if (orders.empty()) orders.resize(1);
  return {std::move(orders), makespan};
}

}  // namespace ramiel::schedule
