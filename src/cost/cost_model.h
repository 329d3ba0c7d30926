#pragma once
/// \file
/// The analytic cost model: FLOPs and bytes moved per node, turned into time by a MachineModel.

#include <vector>

#include "cost/machine_model.h"
#include "ir/graph.h"

namespace ramiel::cost {

/// Analytic cost of one node.
struct NodeCost {
  double flops = 0;    ///< Floating-point (or integer) operations.
  double bytes = 0;    ///< Bytes read plus bytes written.
  double time_ms = 0;  ///< Roofline estimate.
};

/// Cost of `node` in `graph`. Unknown shapes count as zero-size tensors (cost = overhead only).
NodeCost analytic_cost(const ir::Graph& graph, const ir::Node& node, const MachineModel& machine = {});

/// Costs of every node, indexed by NodeId (removed nodes cost zero).
std::vector<NodeCost> analytic_costs(const ir::Graph& graph, const MachineModel& machine = {});

/// The time column of analytic_costs(), the form the analysis and the scheduler take.
std::vector<double> analytic_times_ms(const ir::Graph& graph, const MachineModel& machine = {});

}  // namespace ramiel::cost
