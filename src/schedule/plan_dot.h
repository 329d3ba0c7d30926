#pragma once
/// \file
/// The task graph as Graphviz DOT, coloured by the worker each node runs on, with its linear
/// cluster and step in the label, clones as dashed nodes, split nodes double-bordered with the
/// worker and step of every slice (filled with slice 0's worker), and cross-worker edges in red.

#include <string>
#include <vector>

#include "schedule/clustering.h"
#include "schedule/plan.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// Text of the rendering.
struct DotOptions {
  std::string title;               ///< Graph label, first line.
  std::vector<std::string> notes;  ///< Further label lines.
};

/// The DOT document. `clusters` (optional) adds each task's linear cluster to its label.
std::string plan_dot(const TaskGraph& graph, const Plan& plan, const Clustering* clusters, const DotOptions& options);

/// Writes plan_dot() to `path`. Throws kIo if it cannot be written.
void write_plan_dot(const std::string& path, const TaskGraph& graph, const Plan& plan, const Clustering* clusters,
                    const DotOptions& options);

}  // namespace ramiel::schedule
