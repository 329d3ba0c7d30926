#pragma once
/// \file
/// Lowering a Plan onto its graph for execution: clones become real nodes (with their own output
/// values) so the runtime needs to know only which worker runs which node (or which slice of it),
/// in which order.

#include <cstdint>
#include <vector>

#include "ir/graph.h"
#include "schedule/plan.h"

namespace ramiel::schedule {

/// One entry of a worker's lowered program: run `node`, whole or one slice of it.
struct LoweredStep {
  ir::NodeId node = ir::kNone;  ///< The node to run (a clone's own new node for kClone steps).
  int32_t slice_index = 0;      ///< Which slice of the node this step runs, 0-based (0 when whole).
  int32_t slice_count = 1;      ///< Into how many slices the node is split (1: run whole).

  /// True if the step runs only a slice of its node.
  bool sliced() const { return slice_count > 1; }
  /// Equality, for tests.
  bool operator==(const LoweredStep&) const = default;
};

/// Per worker, the steps it runs, in order (clones included, as the new nodes).
using WorkerNodes = std::vector<std::vector<LoweredStep>>;

/// Adds one node per kClone step to `graph` (outputs named "<value>@w<worker>") and rewires every
/// kRun or kClone step that reads a value computed earlier on its own worker to that instance, as
/// the Plan's semantics say. A kSlice step becomes a LoweredStep with its slice index and count on
/// the node itself, never rewired: all slices of a node read its original inputs (a split node is
/// never cloned). Throws kInvalidArgument for a slice step with an invalid index or count.
WorkerNodes lower_plan(ir::Graph& graph, const Plan& plan);

}  // namespace ramiel::schedule
