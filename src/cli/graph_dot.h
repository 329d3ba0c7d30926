#pragma once
/// \file
/// Graphviz rendering of a graph, shared by `ramiel dot` and --dump-after.

#include <string>
#include <vector>

#include "ir/graph.h"

namespace ramiel::cli {

/// Writes `graph` to `path` as DOT. Nodes show name, op and (if `node_ms` is non-empty) cost;
/// nodes and edges along `highlight` (a path, in order) are drawn red. Throws kIo on failure.
void write_graph_dot(const ir::Graph& graph, const std::vector<double>& node_ms, const std::vector<ir::NodeId>& highlight,
                     const std::string& path, const std::string& title);

}  // namespace ramiel::cli
