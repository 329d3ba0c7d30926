#pragma once
/// \file
/// The graph-pass interface and the manager that runs a pipeline of passes.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace ramiel::passes {

/// A Graph -> Graph transformation. Implementations override run_impl(); callers use run().
class Pass {
 public:
  virtual ~Pass() = default;
  /// Short name used by --print-passes and --dump-after (e.g. "constant-folding").
  virtual std::string_view name() const = 0;
  /// One line on what the pass does and why it is in the pipeline.
  virtual std::string_view description() const = 0;
  /// Applies the pass; returns true if the graph changed.
  bool run(ir::Graph& graph) { return run_impl(graph); }

 protected:
  /// The transformation itself.
  virtual bool run_impl(ir::Graph& graph) = 0;
};

/// What one pass did, for reporting.
struct PassReport {
  std::string name;          ///< Pass name.
  bool changed = false;      ///< Whether the graph changed.
  size_t nodes_before = 0;   ///< Live nodes before.
  size_t nodes_after = 0;    ///< Live nodes after.
  double ms = 0;             ///< Wall time of the pass.
};

/// Runs passes in order; after each one it checks the graph is still a DAG with consistent links
/// and optionally hands it to a callback (for --dump-after).
class PassManager {
 public:
  /// Appends a pass to the pipeline.
  void add(std::unique_ptr<Pass> pass) { passes_.push_back(std::move(pass)); }
  /// Called after the pass named `pass_name` ran (use "all" for every pass).
  void dump_after(std::string pass_name, std::function<void(const std::string&, const ir::Graph&)> callback);
  /// Runs the pipeline once; returns one report per pass.
  std::vector<PassReport> run(ir::Graph& graph);
  /// The passes, in order.
  const std::vector<std::unique_ptr<Pass>>& passes() const { return passes_; }

 private:
  std::vector<std::unique_ptr<Pass>> passes_;
  std::string dump_pass_;
  std::function<void(const std::string&, const ir::Graph&)> dump_;
};

/// Checks the graph's invariants (links consistent, acyclic, outputs defined). Throws kInternal.
void verify_graph(const ir::Graph& graph);

}  // namespace ramiel::passes
