#pragma once
/// \file
/// Slices for row-wise operators, without help from their kernels. An operator is row-wise when
/// each index along the outermost non-unit output dim (its "rows") depends only on the same index
/// of its inputs (or on broadcast inputs as a whole): elementwise operators, and Softmax or
/// LayerNormalization over inner axes. A slice of such a node is the node's own kernel, created for
/// a band of rows, and run on views into the whole tensors: the rows are contiguous in every
/// operand, so nothing is copied.

#include <memory>
#include <string_view>

#include "runtime/kernel.h"

namespace ramiel::runtime {

/// True for operator types that may be row-wise (whether a node is also depends on its axis
/// attribute and shapes; create_row_slice decides).
bool is_row_wise_op(std::string_view op_type);

/// True for the elementwise operators among them (numpy broadcasting; ramiel's own loops, which
/// have no threading of their own).
bool is_elementwise_op(std::string_view op_type);

/// The kernel computing slice `init.slice` of a row-wise node (its rows shared out by slice_range)
/// with kernels from `factory`. Throws Error(kUnsupported) when the node's output has fewer rows
/// than slices, or its axis reduces over the rows, or its output is not one static tensor.
std::unique_ptr<Kernel> create_row_slice(KernelFactory factory, const KernelInit& init);

/// As above, given the node's whole (unsliced) kernel, whose output decides the rows: creating k
/// slices then creates the whole kernel once, not k times.
std::unique_ptr<Kernel> create_row_slice(KernelFactory factory, const KernelInit& init, const Kernel& whole);

}  // namespace ramiel::runtime
