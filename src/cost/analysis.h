#pragma once
/// \file
/// Graph-level parallelism analysis from node costs: work, critical path, W/CP, width.

#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace ramiel::cost {

/// Summary of how much parallelism a graph offers.
struct Analysis {
  size_t nodes = 0;                          ///< Live nodes.
  size_t edges = 0;                          ///< Distinct producer->consumer node pairs.
  std::map<std::string, int> ops;            ///< Operator type to count.
  double work_ms = 0;                        ///< W: sum of node costs.
  double critical_path_ms = 0;               ///< CP: heaviest path by node cost.
  std::vector<ir::NodeId> critical_path;     ///< Nodes on that path, in order.
  double parallelism = 1;                    ///< W / CP, the bound on inter-operator speedup.
  int max_width = 0;                         ///< Largest set of pairwise independent nodes (maximum antichain).
};

/// Analyses `graph` with `node_ms[id]` as the cost of node `id`.
Analysis analyze(const ir::Graph& graph, const std::vector<double>& node_ms);

/// Heaviest path by node cost; returns the node ids in order and sets `length_ms`.
std::vector<ir::NodeId> critical_path(const ir::Graph& graph, const std::vector<double>& node_ms, double* length_ms);

/// Size of a maximum antichain of the DAG (Dilworth: nodes minus a maximum matching in the
/// transitive closure). Exact; quadratic memory, so graphs above `exact_limit` nodes fall back
/// to the widest level of an as-soon-as-possible levelling (a lower bound).
int max_width(const ir::Graph& graph, size_t exact_limit = 6000);

}  // namespace ramiel::cost
