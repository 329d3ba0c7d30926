#pragma once
/// \file
/// Dead-code elimination: removes nodes whose outputs reach no graph output, and unused constants.

#include "passes/pass.h"

namespace ramiel::passes {

/// Removes every node that no graph output depends on, then drops the data of constants that
/// nothing reads any more.
class DeadCodeElimination : public Pass {
 public:
  std::string_view name() const override { return "dead-code-elimination"; }
  std::string_view description() const override {
    return "remove nodes and initializers that no graph output depends on";
  }

 protected:
  bool run_impl(ir::Graph& graph) override;
};

}  // namespace ramiel::passes
