#pragma once
/// \file
/// Fusion: a zero Pad in front of a Conv or an AveragePool becomes that operator's own padding.

#include "passes/pass.h"

namespace ramiel::passes {

/// Folds Pad (constant mode, value 0, spatial dims only, constant pads) into the Conv or
/// AveragePool that is its only reader: their pads grow by the Pad's (an AveragePool counts the
/// padded zeros, as it did when the Pad wrote them: count_include_pad becomes 1, which requires its
/// own pads to be 0 unless it already counted them). Exported PyTorch models carry such Pads
/// (torchvision's Inception-v3 has nine); as nodes they cost a full copy of the activation and
/// cannot be split, as padding they cost nothing.
class PadFusion : public Pass {
 public:
  std::string_view name() const override { return "pad-fusion"; }
  std::string_view description() const override { return "fold zero Pads into the Conv or AveragePool that reads them"; }

 protected:
  bool run_impl(ir::Graph& graph) override;
};

}  // namespace ramiel::passes
