#include "cost/analysis.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <set>

namespace ramiel::cost {

using ir::Graph;
using ir::NodeId;

std::vector<NodeId> critical_path(const Graph& graph, const std::vector<double>& node_ms, double* length_ms) {
  std::vector<NodeId> order = graph.topological_order();
  std::vector<double> finish(graph.nodes().size(), 0.0);
  std::vector<NodeId> parent(graph.nodes().size(), ir::kNone);
  NodeId best = ir::kNone;
  for (NodeId n : order) {
    double start = 0;
    for (NodeId p : graph.predecessors(n)) {
      if (finish[static_cast<size_t>(p)] > start) {
        start = finish[static_cast<size_t>(p)];
        parent[static_cast<size_t>(n)] = p;
      }
    }
    finish[static_cast<size_t>(n)] = start + node_ms[static_cast<size_t>(n)];
    if (best == ir::kNone || finish[static_cast<size_t>(n)] > finish[static_cast<size_t>(best)]) best = n;
  }
  std::vector<NodeId> path;
  for (NodeId n = best; n != ir::kNone; n = parent[static_cast<size_t>(n)]) path.push_back(n);
  std::reverse(path.begin(), path.end());
  if (length_ms) *length_ms = best == ir::kNone ? 0.0 : finish[static_cast<size_t>(best)];
  return path;
}

int max_width(const Graph& graph, size_t exact_limit) {
  std::vector<NodeId> order = graph.topological_order();
  const size_t n = order.size();
  if (n == 0) return 0;
  std::vector<int32_t> index(graph.nodes().size(), -1);
  for (size_t i = 0; i < n; ++i) index[static_cast<size_t>(order[i])] = static_cast<int32_t>(i);

  if (n > exact_limit) {
    std::vector<int> level(n, 0);
    int widest = 0;
    std::vector<int> count(n, 0);
    for (size_t i = 0; i < n; ++i) {
      for (NodeId p : graph.predecessors(order[i])) level[i] = std::max(level[i], level[static_cast<size_t>(index[static_cast<size_t>(p)])] + 1);
      widest = std::max(widest, ++count[static_cast<size_t>(level[i])]);
    }
    return widest;
  }
  // Transitive closure as bitsets, built in reverse topological order.
  const size_t words = (n + 63) / 64;
  std::vector<uint64_t> reach(n * words, 0);
  for (size_t i = n; i-- > 0;) {
    uint64_t* row = &reach[i * words];
    for (NodeId s : graph.successors(order[i])) {
      size_t j = static_cast<size_t>(index[static_cast<size_t>(s)]);
      row[j / 64] |= uint64_t{1} << (j % 64);
      const uint64_t* srow = &reach[j * words];
      for (size_t w = 0; w < words; ++w) row[w] |= srow[w];
    }
  }
  // Maximum bipartite matching (Kuhn's augmenting paths) between "left" and "right" copies.
  std::vector<int32_t> match_right(n, -1);
  std::vector<uint32_t> visited(n, 0);
  uint32_t stamp = 0;
  std::function<bool(size_t)> augment = [&](size_t u) -> bool {
    const uint64_t* row = &reach[u * words];
    for (size_t w = 0; w < words; ++w) {
      for (uint64_t bits = row[w]; bits; bits &= bits - 1) {
        size_t v = w * 64 + static_cast<size_t>(__builtin_ctzll(bits));
        if (visited[v] == stamp) continue;
        visited[v] = stamp;
        if (match_right[v] < 0 || augment(static_cast<size_t>(match_right[v]))) {
          match_right[v] = static_cast<int32_t>(u);
          return true;
        }
      }
    }
    return false;
  };
  size_t matching = 0;
  for (size_t u = 0; u < n; ++u) {
    ++stamp;
    if (augment(u)) ++matching;
  }
  return static_cast<int>(n - matching);
}

Analysis analyze(const Graph& graph, const std::vector<double>& node_ms) {
  Analysis a;
  for (const ir::Node& n : graph.nodes()) {
    if (n.removed) continue;
    ++a.nodes;
    ++a.ops[n.op_type];
    a.work_ms += node_ms[static_cast<size_t>(n.id)];
    a.edges += graph.successors(n.id).size();
  }
  a.critical_path = critical_path(graph, node_ms, &a.critical_path_ms);
  a.parallelism = a.critical_path_ms > 0 ? a.work_ms / a.critical_path_ms : 1.0;
  a.max_width = max_width(graph);
  return a;
}

}  // namespace ramiel::cost
