#pragma once
/// \file
/// Lowering a Plan onto its graph for execution: clones become real nodes (with their own output
/// values) so the runtime needs to know only which worker runs which node, in which order.

#include <vector>

#include "ir/graph.h"
#include "schedule/plan.h"

namespace ramiel::schedule {

/// Per worker, the node ids it runs, in order (clones included, as the new nodes).
using WorkerNodes = std::vector<std::vector<ir::NodeId>>;

/// Adds one node per kClone step to `graph` (outputs named "<value>@w<worker>") and rewires every
/// step that reads a value computed earlier on its own worker to that instance, as the Plan's
/// semantics say. Throws kUnsupported for kSlice steps (not executable yet).
WorkerNodes lower_plan(ir::Graph& graph, const Plan& plan);

}  // namespace ramiel::schedule
