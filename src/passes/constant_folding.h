#pragma once
/// \file
/// Constant propagation: evaluates nodes whose inputs are all known at compile time, with the
/// runtime's own kernels (no second evaluator to keep in sync).

#include <cstddef>

#include "passes/pass.h"

namespace ramiel::passes {

/// Replaces every node whose inputs are constants (initializers, Constant nodes, outputs of folded
/// nodes) by the constants it computes. Shape and Size fold whenever their input's dims are static,
/// so shape arithmetic (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) disappears.
/// Nodes without a kernel, with subgraphs, or whose outputs would be too large stay nodes.
class ConstantFolding : public Pass {
 public:
  /// `max_output_bytes`: a folded output may not exceed max(this, 2 x the node's input bytes), so
  /// that e.g. a ConstantOfShape of 1 GB is not materialised while weight transposes still fold.
  explicit ConstantFolding(size_t max_output_bytes = size_t{16} << 20) : max_output_bytes_(max_output_bytes) {}
  std::string_view name() const override { return "constant-folding"; }
  std::string_view description() const override {
    return "evaluate nodes whose inputs are all constant, with the runtime's kernels";
  }

 protected:
  bool run_impl(ir::Graph& graph) override;

 private:
  bool try_fold(ir::Graph& graph, ir::NodeId id) const;
  size_t max_output_bytes_;
};

}  // namespace ramiel::passes
