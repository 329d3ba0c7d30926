#pragma once
/// \file
/// Loading a model for a CLI command: import, optional passes, and node costs. Shared by every
/// subcommand so they all see the same graph.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "ir/graph.h"
#include "passes/pass.h"

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
  std::string cost_source;          ///< Where the costs came from ("analytic", a file...).
  size_t nodes_before_pruning = 0;  ///< Live nodes straight after import.
  std::vector<passes::PassReport> passes;  ///< What each pruning pass did (empty with --no-prune).
};

/// Adds the shared model flags to `cmd`.
void add_model_options(CLI::App& cmd, ModelOptions& options);

/// Imports `path` and computes costs. Throws ramiel::Error.
LoadedModel load_model(const std::string& path, const ModelOptions& options);

}  // namespace ramiel::cli
