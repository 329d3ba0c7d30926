#pragma once
/// \file
/// Clean-up: removes nodes that pass their input through unchanged at inference time.

#include "passes/pass.h"

namespace ramiel::passes {

/// Removes Identity, inference-time Dropout (when its mask is unused), and no-op Reshape, Flatten,
/// Squeeze, Unsqueeze, Cast and Transpose (output has the input's dims/dtype/order). Graph outputs
/// keep their names: when the removed node wrote a graph output, its producer is rebound to write
/// the output value directly.
class IdentityElimination : public Pass {
 public:
  std::string_view name() const override { return "identity-elimination"; }
  std::string_view description() const override {
    return "remove Identity, inference Dropout and no-op Reshape/Cast/Transpose";
  }

 protected:
  bool run_impl(ir::Graph& graph) override;
};

/// True if `node` passes input 0 through unchanged as output 0 (same bytes, dims and dtype).
bool is_no_op(const ir::Graph& graph, const ir::Node& node);

/// Removes pass-through `node`, making its consumers read its input. Returns false (and leaves the
/// graph alone) where that would rename a graph input or output.
bool bypass_node(ir::Graph& graph, ir::NodeId node);

}  // namespace ramiel::passes
