#include "schedule/linear_clustering.h"

#include <queue>

namespace ramiel::schedule {

namespace {

/// Max-heap entry: a bottom level and its task; larger level first, then the lower id.
struct LevelEntry {
  double level;
  TaskId task;
  bool operator<(const LevelEntry& other) const {
    if (level != other.level) return level < other.level;
    return task > other.task;
  }
};

}  // namespace

Clustering linear_clustering(const TaskGraph& graph, const CommModel& comm, LinearClusteringStats* stats) {
  const size_t n = graph.task_count();
  LinearClusteringStats local_stats;
  std::vector<double> bottom(n, 0.0);
  std::vector<uint8_t> assigned(n, 0);
  // Best continuation of a path leaving `t` among unassigned successors (value and successor).
  auto best_successor = [&](TaskId t, TaskId* best_task) {
    double best = 0;
    TaskId chosen = -1;
    for (const TaskEdge& e : graph.outputs(t)) {
      if (assigned[static_cast<size_t>(e.to)]) continue;
      double via = comm.edge_ms(e.bytes) + bottom[static_cast<size_t>(e.to)];
      if (chosen < 0 || via > best) {  // outputs are sorted by successor id: ties keep the lower id
        best = via;
        chosen = e.to;
      }
    }
    if (best_task) *best_task = chosen;
    return best;
  };

  // Only tasks without unclustered predecessors can start the heaviest remaining path: a
  // predecessor would extend it (costs are >= 0) and has a lower id. So the heap holds just the
  // remaining sources, about as many as the graph is wide.
  std::vector<int32_t> pending_preds(n, 0);
  std::vector<LevelEntry> initial;
  for (size_t i = n; i-- > 0;) {
    TaskId t = static_cast<TaskId>(i);
    bottom[i] = graph.cost_ms(t) + best_successor(t, nullptr);
    pending_preds[i] = static_cast<int32_t>(graph.inputs(t).size());
    if (pending_preds[i] == 0) initial.push_back({bottom[i], t});
  }
  std::priority_queue<LevelEntry> heap(std::less<LevelEntry>(), std::move(initial));
  std::priority_queue<TaskId> dirty;       // tasks to recompute, highest id (deepest) first
  std::vector<uint8_t> is_dirty(n, 0);

  Clustering result;
  result.cluster_of.assign(n, -1);
  size_t remaining = n;
  std::vector<TaskId> path;
  while (remaining > 0) {
    LevelEntry top = heap.top();
    heap.pop();
    ++local_stats.heap_pops;
    const size_t start = static_cast<size_t>(top.task);
    if (assigned[start]) continue;
    if (top.level != bottom[start]) {
      // Its bottom level dropped since it was pushed (levels only drop): queue it again with the
      // current value. Every unclustered task has exactly one entry whose key is at least its
      // level, so a top entry whose key is current is the true maximum.
      heap.push({bottom[start], top.task});
      continue;
    }

    // Trace the heaviest path from the start.
    path.clear();
    for (TaskId t = top.task; t >= 0;) {
      path.push_back(t);
      TaskId next = -1;
      best_successor(t, &next);
      t = next;
    }
    const int32_t cluster = static_cast<int32_t>(result.clusters.size());
    for (TaskId t : path) {
      assigned[static_cast<size_t>(t)] = 1;
      result.cluster_of[static_cast<size_t>(t)] = cluster;
    }
    remaining -= path.size();
    result.clusters.push_back(path);

    // Predecessors whose best continuation went through a removed task must be recomputed.
    auto mark_if_through = [&](const TaskEdge& e, double old_level_of_succ) {
      const size_t p = static_cast<size_t>(e.from);
      if (assigned[p] || is_dirty[p]) return;
      // Same expression as when bottom[p] was computed, so an exact tie means "was its best".
      if (graph.cost_ms(e.from) + (comm.edge_ms(e.bytes) + old_level_of_succ) >= bottom[p]) {
        is_dirty[p] = 1;
        dirty.push(e.from);
      }
    };
    for (TaskId t : path) {
      for (const TaskEdge& e : graph.inputs(t)) mark_if_through(e, bottom[static_cast<size_t>(t)]);
    }
    while (!dirty.empty()) {
      TaskId t = dirty.top();
      dirty.pop();
      const size_t i = static_cast<size_t>(t);
      is_dirty[i] = 0;
      ++local_stats.bottom_level_updates;
      double updated = graph.cost_ms(t) + best_successor(t, nullptr);
      if (updated == bottom[i]) continue;
      double old = bottom[i];
      bottom[i] = updated;
      for (const TaskEdge& e : graph.inputs(t)) mark_if_through(e, old);
    }
    // Successors whose last unclustered predecessor just went become sources.
    for (TaskId t : path) {
      for (const TaskEdge& e : graph.outputs(t)) {
        const size_t s = static_cast<size_t>(e.to);
        if (!assigned[s] && --pending_preds[s] == 0) heap.push({bottom[s], e.to});
      }
    }
  }
  if (stats) *stats = local_stats;
  return result;
}

}  // namespace ramiel::schedule
