#pragma once
/// \file
/// The abstract DAG the scheduler works on: tasks with a cost, edges with the bytes that cross them.
/// Built from an ir::Graph plus node costs, or directly (random DAGs in tests and benchmarks), so
/// the scheduling algorithms never need the IR.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace ramiel::schedule {

/// Index of a task. Tasks are numbered in a topological order: every edge goes from a lower to
/// a higher id, so "ascending id" is always a valid serial order.
using TaskId = int32_t;
/// Index of an edge in TaskGraph::edges().
using EdgeId = int32_t;

/// A data dependency between two tasks: `to` reads something `from` writes.
struct TaskEdge {
  TaskId from = 0;    ///< Producer task.
  TaskId to = 0;      ///< Consumer task (always > from).
  int64_t bytes = 0;  ///< Size of the data crossing the edge (0 when unknown).
};

/// An immutable DAG of tasks in compressed (CSR) form. Create it with TaskGraphBuilder or
/// task_graph_from_ir().
class TaskGraph {
 public:
  /// Number of tasks.
  size_t task_count() const { return cost_ms_.size(); }
  /// Number of distinct (producer, consumer) edges.
  size_t edge_count() const { return edges_.size(); }
  /// Estimated run time of `task` on one core, in milliseconds.
  double cost_ms(TaskId task) const { return cost_ms_[static_cast<size_t>(task)]; }
  /// Every task's cost, indexed by TaskId.
  const std::vector<double>& costs_ms() const { return cost_ms_; }
  /// True if running `task` twice is harmless (no side effects, deterministic), so it may be cloned.
  bool cloneable(TaskId task) const { return cloneable_[static_cast<size_t>(task)] != 0; }
  /// The edge with id `edge`.
  const TaskEdge& edge(EdgeId edge) const { return edges_[static_cast<size_t>(edge)]; }
  /// All edges, sorted by (from, to).
  const std::vector<TaskEdge>& edges() const { return edges_; }
  /// Edges leaving `task`, sorted by consumer.
  std::span<const EdgeId> out_edges(TaskId task) const {
    return {out_edge_ids_.data() + out_offsets_[static_cast<size_t>(task)],
            out_edge_ids_.data() + out_offsets_[static_cast<size_t>(task) + 1]};
  }
  /// Edges entering `task`, sorted by producer.
  std::span<const EdgeId> in_edges(TaskId task) const {
    return {in_edge_ids_.data() + in_offsets_[static_cast<size_t>(task)],
            in_edge_ids_.data() + in_offsets_[static_cast<size_t>(task) + 1]};
  }
  /// Edges leaving `task` as contiguous data, sorted by consumer (same order as out_edges()).
  std::span<const TaskEdge> outputs(TaskId task) const {
    return {edges_.data() + out_offsets_[static_cast<size_t>(task)], edges_.data() + out_offsets_[static_cast<size_t>(task) + 1]};
  }
  /// Edges entering `task` as contiguous data, sorted by producer (same order as in_edges()); the
  /// scheduling loops read these instead of chasing edge ids.
  std::span<const TaskEdge> inputs(TaskId task) const {
    return {in_edge_data_.data() + in_offsets_[static_cast<size_t>(task)],
            in_edge_data_.data() + in_offsets_[static_cast<size_t>(task) + 1]};
  }
  /// IR values carried by `edge` (empty for graphs not built from IR).
  std::span<const ir::ValueId> edge_values(EdgeId edge) const {
    if (edge_value_offsets_.empty()) return {};
    return {edge_values_.data() + edge_value_offsets_[static_cast<size_t>(edge)],
            edge_values_.data() + edge_value_offsets_[static_cast<size_t>(edge) + 1]};
  }

  /// The IR node `task` stands for (the task id itself for graphs not built from IR).
  ir::NodeId node_of(TaskId task) const {
    return node_ids_.empty() ? task : node_ids_[static_cast<size_t>(task)];
  }
  /// The task standing for IR node `node`, or ir::kNone if there is none (removed node, bad id).
  TaskId task_of(ir::NodeId node) const;
  /// Node name for display ("t<id>" when the graph has no names).
  std::string name(TaskId task) const;
  /// Operator type for display and colouring ("task" when the graph has none).
  std::string op_type(TaskId task) const;

  /// W: the sum of all task costs.
  double total_work_ms() const { return total_work_ms_; }
  /// CP: the heaviest path by task cost alone (no communication), in milliseconds.
  double critical_path_ms() const;

 private:
  friend class TaskGraphBuilder;
  std::vector<double> cost_ms_;
  std::vector<uint8_t> cloneable_;
  std::vector<TaskEdge> edges_;
  std::vector<int64_t> out_offsets_, in_offsets_;
  std::vector<EdgeId> out_edge_ids_, in_edge_ids_;
  std::vector<TaskEdge> in_edge_data_;  // edges_ reordered by consumer
  std::vector<int64_t> edge_value_offsets_;
  std::vector<ir::ValueId> edge_values_;
  std::vector<ir::NodeId> node_ids_;
  std::vector<TaskId> task_of_node_;
  std::vector<std::string> names_;
  std::vector<std::string> op_types_;
  double total_work_ms_ = 0;
};

/// Description of one task for TaskGraphBuilder::add_task.
struct TaskInfo {
  double cost_ms = 0;           ///< Estimated run time (must be finite and >= 0).
  bool cloneable = true;        ///< False for tasks with side effects or randomness.
  ir::NodeId node = ir::kNone;  ///< The IR node it stands for (kNone: the task id itself).
  std::string name;             ///< Display name (optional).
  std::string op_type;          ///< Operator type (optional).
};

/// Collects tasks and edges, then freezes them into a TaskGraph. Tasks must be added in a
/// topological order: an edge must go from an earlier task to a later one.
class TaskGraphBuilder {
 public:
  /// Reserves room for `tasks` tasks and `edges` edges.
  void reserve(size_t tasks, size_t edges);
  /// Adds a task and returns its id (0, 1, 2, ... in call order).
  TaskId add_task(TaskInfo info);
  /// Adds a task that costs `cost_ms`; shorthand for synthetic graphs.
  TaskId add_task(double cost_ms) { return add_task(TaskInfo{cost_ms}); }
  /// Adds the edge from -> to carrying `bytes` (and optionally the IR `values` it stands for).
  /// Duplicate edges are merged into one carrying the union of their values and the sum of their
  /// bytes. Throws kInvalidArgument unless 0 <= from < to < task count.
  void add_edge(TaskId from, TaskId to, int64_t bytes, std::span<const ir::ValueId> values = {});
  /// Builds the graph in O(tasks + edges); the builder is left empty.
  TaskGraph build();

 private:
  struct PendingEdge {
    TaskId from, to;
    int64_t bytes;
    int64_t values_begin, values_end;
  };
  std::vector<TaskInfo> tasks_;
  std::vector<PendingEdge> edges_;
  std::vector<ir::ValueId> values_;
  bool has_values_ = false;
  bool has_nodes_ = false;
};

/// The task graph of the live nodes of `graph`, with `node_ms[id]` as the cost of node `id`.
/// Edge bytes are the sizes of the values crossing them (0 for values without a static shape).
/// Nodes with subgraphs, random generators and custom-domain ops are marked not cloneable.
TaskGraph task_graph_from_ir(const ir::Graph& graph, const std::vector<double>& node_ms);

}  // namespace ramiel::schedule
