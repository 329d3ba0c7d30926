#include "passes/pipeline.h"

#include "passes/constant_folding.h"
#include "passes/dead_code_elimination.h"
#include "passes/identity_elimination.h"
#include "passes/pad_fusion.h"

namespace ramiel::passes {

PassManager pruning_pipeline() {
  PassManager pm;
  pm.add(std::make_unique<ConstantFolding>());
  pm.add(std::make_unique<IdentityElimination>());
  pm.add(std::make_unique<PadFusion>());
  pm.add(std::make_unique<DeadCodeElimination>());
  return pm;
}

}  // namespace ramiel::passes
