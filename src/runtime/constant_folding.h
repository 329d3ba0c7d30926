#pragma once
/// \file
/// Evaluating a node whose inputs are all constants, with the runtime's own kernels (as ONNX
/// Runtime's constant folding does: no second evaluator to keep in sync). The session uses it at
/// creation; a graph pass can call it node by node to fold constants into the IR.

#include <cstdint>
#include <span>
#include <vector>

#include "ir/graph.h"

namespace ramiel::runtime {

/// True if `node` may be evaluated ahead of time when its inputs are constant: it has a kernel, is
/// deterministic (not RandomNormal & co.) and has no subgraph.
bool is_foldable(const ir::Node& node);

/// Runs `node` once on `inputs` (one per node input; a Tensor without storage for an omitted
/// optional input) and returns one tensor per node output (a Tensor without storage where the
/// node's output is omitted). `opset` is the opset of the node's domain.
/// Throws ramiel::Error (kUnsupported when there is no kernel or the kernel rejects the node).
std::vector<ir::Tensor> evaluate_node(const ir::Node& node, std::span<const ir::Tensor> inputs, int64_t opset);

}  // namespace ramiel::runtime
