#include "schedule/task_graph.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "ramiel/error.h"

namespace ramiel::schedule {

TaskId TaskGraph::task_of(ir::NodeId node) const {
  if (node_ids_.empty()) return node >= 0 && static_cast<size_t>(node) < task_count() ? node : ir::kNone;
  if (node < 0 || static_cast<size_t>(node) >= task_of_node_.size()) return ir::kNone;
  return task_of_node_[static_cast<size_t>(node)];
}

std::string TaskGraph::name(TaskId task) const {
  if (!names_.empty() && !names_[static_cast<size_t>(task)].empty()) return names_[static_cast<size_t>(task)];
  return "t" + std::to_string(task);
}

std::string TaskGraph::op_type(TaskId task) const {
  if (!op_types_.empty() && !op_types_[static_cast<size_t>(task)].empty()) return op_types_[static_cast<size_t>(task)];
  return "task";
}

double TaskGraph::critical_path_ms() const {
  std::vector<double> finish(task_count(), 0.0);
  double longest = 0;
  for (size_t t = 0; t < task_count(); ++t) {
    double start = 0;
    for (const TaskEdge& e : inputs(static_cast<TaskId>(t))) start = std::max(start, finish[static_cast<size_t>(e.from)]);
    finish[t] = start + cost_ms_[t];
    longest = std::max(longest, finish[t]);
  }
  return longest;
}

void TaskGraphBuilder::reserve(size_t tasks, size_t edges) {
  tasks_.reserve(tasks);
  edges_.reserve(edges);
}

TaskId TaskGraphBuilder::add_task(TaskInfo info) {
  if (!std::isfinite(info.cost_ms) || info.cost_ms < 0) {
    throw Error(ErrorKind::kInvalidArgument, "task cost must be finite and non-negative, got " + std::to_string(info.cost_ms));
  }
  if (info.node != ir::kNone) has_nodes_ = true;
  tasks_.push_back(std::move(info));
  return static_cast<TaskId>(tasks_.size() - 1);
}

void TaskGraphBuilder::add_edge(TaskId from, TaskId to, int64_t bytes, std::span<const ir::ValueId> values) {
  if (from < 0 || to <= from || static_cast<size_t>(to) >= tasks_.size()) {
    throw Error(ErrorKind::kInvalidArgument, "task edge " + std::to_string(from) + " -> " + std::to_string(to) +
                                                 " must go from an earlier task to a later, existing one");
  }
  int64_t begin = static_cast<int64_t>(values_.size());
  values_.insert(values_.end(), values.begin(), values.end());
  if (!values.empty()) has_values_ = true;
  edges_.push_back({from, to, std::max<int64_t>(bytes, 0), begin, static_cast<int64_t>(values_.size())});
}

TaskGraph TaskGraphBuilder::build() {
  TaskGraph g;
  const size_t n = tasks_.size();
  g.cost_ms_.resize(n);
  g.cloneable_.resize(n);
  bool has_names = false;
  for (size_t t = 0; t < n; ++t) {
    g.cost_ms_[t] = tasks_[t].cost_ms;
    g.cloneable_[t] = tasks_[t].cloneable ? 1 : 0;
    g.total_work_ms_ += tasks_[t].cost_ms;
    has_names = has_names || !tasks_[t].name.empty() || !tasks_[t].op_type.empty();
  }
  if (has_nodes_) {
    g.node_ids_.resize(n);
    ir::NodeId max_node = -1;
    for (size_t t = 0; t < n; ++t) {
      g.node_ids_[t] = tasks_[t].node == ir::kNone ? static_cast<ir::NodeId>(t) : tasks_[t].node;
      max_node = std::max(max_node, g.node_ids_[t]);
    }
    g.task_of_node_.assign(static_cast<size_t>(max_node + 1), ir::kNone);
    for (size_t t = 0; t < n; ++t) {
      TaskId& slot = g.task_of_node_[static_cast<size_t>(g.node_ids_[t])];
      if (slot != ir::kNone) throw Error(ErrorKind::kInvalidArgument, "two tasks stand for node " + std::to_string(g.node_ids_[t]));
      slot = static_cast<TaskId>(t);
    }
  }
  if (has_names) {
    g.names_.resize(n);
    g.op_types_.resize(n);
    for (size_t t = 0; t < n; ++t) {
      g.names_[t] = std::move(tasks_[t].name);
      g.op_types_[t] = std::move(tasks_[t].op_type);
    }
  }

  // Sort pending edges by (from, to) with two stable counting-sort passes: O(tasks + edges).
  std::vector<PendingEdge> sorted(edges_.size());
  {
    std::vector<int64_t> count(n + 1, 0);
    for (const PendingEdge& e : edges_) ++count[static_cast<size_t>(e.to) + 1];
    for (size_t i = 0; i < n; ++i) count[i + 1] += count[i];
    for (const PendingEdge& e : edges_) sorted[static_cast<size_t>(count[static_cast<size_t>(e.to)]++)] = e;
    std::fill(count.begin(), count.end(), 0);
    for (const PendingEdge& e : sorted) ++count[static_cast<size_t>(e.from) + 1];
    for (size_t i = 0; i < n; ++i) count[i + 1] += count[i];
    for (const PendingEdge& e : sorted) edges_[static_cast<size_t>(count[static_cast<size_t>(e.from)]++)] = e;
  }
  // Merge duplicates.
  g.edges_.reserve(edges_.size());
  if (has_values_) g.edge_value_offsets_.push_back(0);
  for (size_t i = 0; i < edges_.size();) {
    size_t j = i;
    TaskEdge merged{edges_[i].from, edges_[i].to, 0};
    std::vector<ir::ValueId> vals;
    for (; j < edges_.size() && edges_[j].from == merged.from && edges_[j].to == merged.to; ++j) {
      merged.bytes += edges_[j].bytes;
      for (int64_t v = edges_[j].values_begin; v < edges_[j].values_end; ++v) vals.push_back(values_[static_cast<size_t>(v)]);
    }
    g.edges_.push_back(merged);
    if (has_values_) {
      std::sort(vals.begin(), vals.end());
      vals.erase(std::unique(vals.begin(), vals.end()), vals.end());
      g.edge_values_.insert(g.edge_values_.end(), vals.begin(), vals.end());
      g.edge_value_offsets_.push_back(static_cast<int64_t>(g.edge_values_.size()));
    }
    i = j;
  }
  // CSR adjacency. Edges are sorted by (from, to), so out lists come out sorted by consumer and
  // in lists (filled in edge order) sorted by producer.
  const size_t m = g.edges_.size();
  if (m > static_cast<size_t>(INT32_MAX)) throw Error(ErrorKind::kInvalidArgument, "too many task edges");
  g.out_offsets_.assign(n + 1, 0);
  g.in_offsets_.assign(n + 1, 0);
  for (const TaskEdge& e : g.edges_) {
    ++g.out_offsets_[static_cast<size_t>(e.from) + 1];
    ++g.in_offsets_[static_cast<size_t>(e.to) + 1];
  }
  for (size_t i = 0; i < n; ++i) {
    g.out_offsets_[i + 1] += g.out_offsets_[i];
    g.in_offsets_[i + 1] += g.in_offsets_[i];
  }
  g.out_edge_ids_.resize(m);
  g.in_edge_ids_.resize(m);
  std::vector<int64_t> in_fill(g.in_offsets_.begin(), g.in_offsets_.end() - 1);
  for (size_t e = 0; e < m; ++e) {
    g.out_edge_ids_[e] = static_cast<EdgeId>(e);  // edges are grouped by producer already
    g.in_edge_ids_[static_cast<size_t>(in_fill[static_cast<size_t>(g.edges_[e].to)]++)] = static_cast<EdgeId>(e);
  }
  g.in_edge_data_.resize(m);
  for (size_t i = 0; i < m; ++i) g.in_edge_data_[i] = g.edges_[static_cast<size_t>(g.in_edge_ids_[i])];
  *this = TaskGraphBuilder();
  return g;
}

namespace {

/// Operators whose repeated execution is not harmless (randomness, state) or unknown.
bool has_side_effects(const ir::Node& node) {
  static const std::set<std::string> kRandom = {"RandomNormal", "RandomNormalLike", "RandomUniform",
                                                "RandomUniformLike", "Multinomial", "Bernoulli"};
  return node.has_subgraph || !node.domain.empty() || kRandom.count(node.op_type) > 0;
}

int64_t value_bytes(const ir::Value& value) {
  std::optional<int64_t> count = value.element_count();
  return count ? *count * static_cast<int64_t>(ir::element_size(value.dtype)) : 0;
}

}  // namespace

TaskGraph task_graph_from_ir(const ir::Graph& graph, const std::vector<double>& node_ms) {
  if (node_ms.size() < graph.nodes().size()) {
    throw Error(ErrorKind::kInvalidArgument, "node costs cover " + std::to_string(node_ms.size()) + " of " +
                                                 std::to_string(graph.nodes().size()) + " nodes");
  }
  std::vector<ir::NodeId> order = graph.topological_order();
  std::vector<TaskId> task_of(graph.nodes().size(), ir::kNone);
  TaskGraphBuilder builder;
  builder.reserve(order.size(), order.size() * 2);
  for (ir::NodeId id : order) {
    const ir::Node& node = graph.node(id);
    task_of[static_cast<size_t>(id)] =
        builder.add_task({node_ms[static_cast<size_t>(id)], !has_side_effects(node), id, node.name, node.op_type});
  }
  for (ir::NodeId id : order) {
    // Values each producer hands to this node, grouped by producer (distinct values only).
    std::map<TaskId, std::set<ir::ValueId>> by_producer;
    for (ir::ValueId v : graph.node(id).inputs) {
      if (v == ir::kNone) continue;
      ir::NodeId producer = graph.value(v).producer;
      if (producer == ir::kNone || graph.node(producer).removed) continue;
      by_producer[task_of[static_cast<size_t>(producer)]].insert(v);
    }
    for (const auto& [producer, values] : by_producer) {
      int64_t bytes = 0;
      for (ir::ValueId v : values) bytes += value_bytes(graph.value(v));
      std::vector<ir::ValueId> list(values.begin(), values.end());
      builder.add_edge(producer, task_of[static_cast<size_t>(id)], bytes, list);
    }
  }
  return builder.build();
}

}  // namespace ramiel::schedule
