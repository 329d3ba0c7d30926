#pragma once
/// \file
/// The pruning pipeline that runs before costing and scheduling.

#include "passes/pass.h"

namespace ramiel::passes {

/// The default pruning pipeline, in order:
///  1. constant-folding: compile-time work must not occupy clusters at run time;
///  2. identity-elimination: pass-through nodes only add dispatches and cross-worker edges;
///  3. pad-fusion: a zero Pad before a Conv or AveragePool is a copy that becomes free padding;
///  4. dead-code-elimination: folding leaves Constant nodes and initializers nobody reads.
PassManager pruning_pipeline();

}  // namespace ramiel::passes
