#pragma once
/// \file
/// Loading a model for a CLI command: import, optional passes, and node costs. Shared by every
/// subcommand so they all see the same graph.

#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "ir/graph.h"
#include "passes/pass.h"
#include "schedule/slice_costs.h"

namespace ramiel::cli {

/// Flags shared by the commands that load a model.
struct ModelOptions {
  bool no_check = false;   ///< Skip the ONNX checker.
  bool no_prune = false;   ///< Skip the pruning pipeline (constant folding, clean-up, DCE).
  std::string dump_after;  ///< Write the graph as DOT after this pass ("all" for every pass).
  /// Node costs: "analytic" (roofline model), "measured" (profile this model on this machine once,
  /// then reuse the cached profile), or the path of a COSTS.json written by `ramiel profile`.
  std::string costs = "analytic";
};

/// A model ready for analysis or scheduling.
struct LoadedModel {
  ir::Graph graph;                  ///< The graph after the pipeline's passes.
  std::vector<double> node_ms;      ///< Cost of each node (indexed by NodeId).
  /// Per node id, slice count -> time of its slowest slice (measured costs only; empty: the node
  /// was not measured split).
  std::vector<std::map<int, double>> slice_ms;
  std::string cost_source;          ///< Where the costs came from ("analytic", a file...).
  size_t nodes_before_pruning = 0;  ///< Live nodes straight after import.
  std::vector<passes::PassReport> passes;  ///< What each pruning pass did (empty with --no-prune).
};

/// Adds the shared model flags to `cmd`.
void add_model_options(CLI::App& cmd, ModelOptions& options);

/// Imports `path` and computes costs. Throws ramiel::Error.
LoadedModel load_model(const std::string& path, const ModelOptions& options);

/// The cost of splitting each node of `model` for the hybrid scheduler. Measured costs: the
/// profiled slowest slice for the counts that were profiled; a larger count k extrapolates from the
/// largest profiled count c as slice(c) * c / k; nodes the profile could not split do not split.
/// Analytic costs: an operator whose kernel splits (runtime::can_slice) costs node / k * 1.15 per
/// slice (narrow slices run less efficiently); the runtime runs a node whole where its shape
/// does not split after all.
schedule::SliceCostFn slice_cost_fn_for(const LoadedModel& model);

}  // namespace ramiel::cli
