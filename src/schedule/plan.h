#pragma once
/// \file
/// The Plan: the static parallel schedule every later stage reads (executor, simulator, Gantt
/// chart, code generators). Plain data; see plan_json.h for its JSON form.
///
/// A plan gives each worker (thread) an ordered list of steps and lists the cross-worker
/// dependencies. A worker runs its steps in order; before running step s it waits for every
/// dependency whose (to_worker, to_step) is (itself, s). Which instance of a value a step reads:
/// the latest instance computed earlier on its own worker (the original node or a clone), if
/// there is one; otherwise the original node's output, which a dependency then delivers. The
/// exception: a kSlice step never reads a clone (the slices of a node are one node at run time,
/// spread over workers), so it reads the original outputs, locally or delivered.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace ramiel::schedule {

class TaskGraph;

/// What a step does.
enum class StepKind : uint8_t {
  kRun,    ///< Runs the node; its outputs are the ones other workers receive.
  kClone,  ///< Recomputes a node that also runs elsewhere, for this worker's own use only.
  kSlice,  ///< Runs slice `slice_index` of `slice_count` of the node (intra-operator split, see splitting.h);
           ///< its outputs count as computed once every slice has run.
};

/// Lowercase name of a StepKind ("run", "clone", "slice").
std::string_view to_string(StepKind kind);

/// One entry of a worker's program.
struct Step {
  StepKind kind = StepKind::kRun;  ///< What to do.
  ir::NodeId node = ir::kNone;     ///< The node (id in the ir::Graph the plan was made for).
  int32_t slice_index = 0;         ///< kSlice only: which slice, 0-based.
  int32_t slice_count = 1;         ///< kSlice only: into how many slices the node is split.

  /// Equality, for round-trip tests.
  bool operator==(const Step&) const = default;
};

/// The ordered steps of one worker.
struct WorkerProgram {
  std::vector<Step> steps;  ///< Run in this order.

  /// Equality, for round-trip tests.
  bool operator==(const WorkerProgram&) const = default;
};

/// "Worker `to_worker` must not start step `to_step` before worker `from_worker` has finished step
/// `from_step`", which produces node `producer`'s `values` that the consumer reads.
struct CrossDependency {
  ir::NodeId producer = ir::kNone;   ///< Node whose outputs cross (the node of from_step).
  std::vector<ir::ValueId> values;   ///< The IR values that cross (empty for synthetic graphs).
  int64_t bytes = 0;                 ///< Size of the data that crosses (largest edge it covers).
  int32_t from_worker = 0;           ///< Producing worker.
  int32_t from_step = 0;             ///< Index of the producing step in from_worker's program.
  int32_t to_worker = 0;             ///< Consuming worker (!= from_worker).
  int32_t to_step = 0;               ///< First step of to_worker that needs the data.

  /// Equality, for round-trip tests.
  bool operator==(const CrossDependency&) const = default;
};

/// A static parallel schedule.
struct Plan {
  std::vector<WorkerProgram> workers;         ///< One program per worker (thread).
  std::vector<CrossDependency> dependencies;  ///< Sorted by (to_worker, to_step, from_worker, from_step).

  /// Number of workers.
  int32_t worker_count() const { return static_cast<int32_t>(workers.size()); }
  /// Total number of steps over all workers.
  size_t step_count() const;
  /// Number of kClone steps.
  size_t clone_count() const;

  /// Equality, for round-trip tests.
  bool operator==(const Plan&) const = default;
};

/// First problem found in `plan` for `graph`, or nullopt if the plan is sound: every step names a
/// task of the graph; every node runs exactly once (as one kRun step, or as slices 0..k-1 of
/// one k); clones only of cloneable nodes, at most one per worker, never on the worker that runs
/// the original; every data dependency of every step (clones included) is met by an earlier
/// instance on the same worker (for slices: the original, not a clone) or by a dependency
/// delivered at or before that step; every dependency is well formed; and program order plus dependencies is acyclic (deadlock-free).
/// O(steps + edges + dependencies).
std::optional<std::string> find_plan_problem(const Plan& plan, const TaskGraph& graph);

/// Throws ramiel::Error(kInvalidArgument) describing the first problem find_plan_problem() reports.
void validate(const Plan& plan, const TaskGraph& graph);

}  // namespace ramiel::schedule
