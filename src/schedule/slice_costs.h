#pragma once
/// \file
/// What splitting one node into slices (intra-operator parallelism) costs: the input the hybrid
/// scheduler (splitting.h) and the simulator need to weigh a split against running the node whole.

#include <functional>

#include "ir/graph.h"

namespace ramiel::schedule {

/// Time in milliseconds of the slowest slice when `node` is split into `slices` (>= 2) parts that
/// run at the same time on different workers, or a negative value if the node cannot be split into
/// that many. Built by the caller from measured costs: a slice is not the node's cost divided by
/// `slices`, since narrower operators run less efficiently. Must be deterministic and cheap (the
/// scheduler calls it a few times per node).
using SliceCostFn = std::function<double(ir::NodeId node, int slices)>;

}  // namespace ramiel::schedule
