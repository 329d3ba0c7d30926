#include "schedule/cluster_merging.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "ramiel/error.h"


namespace ramiel::schedule {

ClusterSpans cluster_spans(const TaskGraph& graph, const Clustering& clustering, const CommModel& comm) {
  // One worker per cluster: a task starts when the previous task of its cluster has finished and
  // its inputs have arrived (a hand-off for inputs from other clusters). Kahn's algorithm over
  // data edges plus cluster order; O(tasks + edges).
  const size_t n = graph.task_count();
  std::vector<TaskId> next_in_cluster(n, -1);
  std::vector<int32_t> pending(n, 0);
  for (const std::vector<TaskId>& members : clustering.clusters) {
    for (size_t i = 1; i < members.size(); ++i) {
      next_in_cluster[static_cast<size_t>(members[i - 1])] = members[i];
      pending[static_cast<size_t>(members[i])] = 1;
    }
  }
  std::vector<TaskId> ready;
  for (size_t t = 0; t < n; ++t) {
    pending[t] += static_cast<int32_t>(graph.in_edges(static_cast<TaskId>(t)).size());
    if (pending[t] == 0) ready.push_back(static_cast<TaskId>(t));
  }
  std::vector<double> finish(n, 0.0);
  std::vector<double> cluster_free(clustering.size(), 0.0);
  auto release = [&](TaskId t) {
    if (--pending[static_cast<size_t>(t)] == 0) ready.push_back(t);
  };
  size_t done = 0;
  while (!ready.empty()) {
    const TaskId t = ready.back();
    ready.pop_back();
    ++done;
    const size_t i = static_cast<size_t>(t);
    const int32_t c = clustering.cluster_of[i];
    double start = cluster_free[static_cast<size_t>(c)];
    for (const TaskEdge& edge : graph.inputs(t)) {
      const size_t u = static_cast<size_t>(edge.from);
      start = std::max(start, finish[u] + (clustering.cluster_of[u] == c ? 0.0 : comm.edge_ms(edge.bytes)));
    }
    finish[i] = start + graph.cost_ms(t);
    cluster_free[static_cast<size_t>(c)] = finish[i];
    for (const TaskEdge& edge : graph.outputs(t)) release(edge.to);
    if (next_in_cluster[i] >= 0) release(next_in_cluster[i]);
  }
  if (done != n) throw Error(ErrorKind::kInternal, "cluster order contradicts the task graph (cycle)");
  ClusterSpans spans;
  spans.start_ms.assign(clustering.size(), 0.0);
  spans.finish_ms.assign(clustering.size(), 0.0);
  for (size_t c = 0; c < clustering.size(); ++c) {
    const std::vector<TaskId>& members = clustering.clusters[c];
    if (members.empty()) continue;
    const TaskId first = members.front(), last = members.back();
    spans.start_ms[c] = finish[static_cast<size_t>(first)] - graph.cost_ms(first);
    spans.finish_ms[c] = finish[static_cast<size_t>(last)];
    spans.makespan_ms = std::max(spans.makespan_ms, spans.finish_ms[c]);
  }
  return spans;
}

Clustering merge_disjoint_clusters(const TaskGraph& graph, const Clustering& clustering, const CommModel& comm,
                                   int max_rounds, int* rounds) {
  Clustering current = clustering;
  int merged_rounds = 0;
  for (int round = 0; round < max_rounds && current.size() > 1; ++round) {
    ClusterSpans spans = cluster_spans(graph, current, comm);
    const size_t k = current.size();
    std::vector<int32_t> by_start(k);
    std::iota(by_start.begin(), by_start.end(), 0);
    std::sort(by_start.begin(), by_start.end(), [&](int32_t a, int32_t b) {
      const size_t ia = static_cast<size_t>(a), ib = static_cast<size_t>(b);
      if (spans.start_ms[ia] != spans.start_ms[ib]) return spans.start_ms[ia] < spans.start_ms[ib];
      if (spans.finish_ms[ia] != spans.finish_ms[ib]) return spans.finish_ms[ia] < spans.finish_ms[ib];
      return a < b;
    });
    // Tracks keyed by the time they become free; a track whose last task costs nothing may only
    // take clusters that start strictly later (a zero-length tail could otherwise depend on them).
    struct Track {
      std::vector<int32_t> parts;
      bool zero_tail = false;
    };
    std::vector<Track> tracks;
    std::multimap<double, size_t> free_at;  // finish time -> track
    for (int32_t c : by_start) {
      const size_t ic = static_cast<size_t>(c);
      const std::vector<TaskId>& members = current.clusters[ic];
      size_t chosen = tracks.size();
      auto it = free_at.upper_bound(spans.start_ms[ic]);
      while (it != free_at.begin()) {
        --it;
        if (it->first < spans.start_ms[ic] || !tracks[it->second].zero_tail) {
          chosen = it->second;
          free_at.erase(it);
          break;
        }
      }
      if (chosen == tracks.size()) tracks.push_back({});
      tracks[chosen].parts.push_back(c);
      tracks[chosen].zero_tail = !members.empty() && graph.cost_ms(members.back()) == 0;
      free_at.emplace(spans.finish_ms[ic], chosen);
    }
    if (tracks.size() == k) break;
    ++merged_rounds;
    Clustering next;
    next.clusters.resize(tracks.size());
    for (size_t t = 0; t < tracks.size(); ++t) {
      for (int32_t c : tracks[t].parts) {
        const std::vector<TaskId>& members = current.clusters[static_cast<size_t>(c)];
        next.clusters[t].insert(next.clusters[t].end(), members.begin(), members.end());
      }
    }
    index_clusters(next, graph.task_count());
    current = std::move(next);
  }
  if (rounds) *rounds = merged_rounds;
  return current;
}

}  // namespace ramiel::schedule
