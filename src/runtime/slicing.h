#pragma once
/// \file
/// Intra-operator slices: a node split into `count` kernels, each computing a disjoint, contiguous
/// part of the node's one output buffer (hybrid parallelism: slices of one node run on different
/// workers). A kernel that cannot compute a requested slice throws ramiel::Error(kUnsupported).

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace ramiel::runtime {

/// Which part of its node's output a kernel computes.
struct SliceSpec {
  int index = 0;  ///< 0-based slice number.
  int count = 1;  ///< Number of slices the node is split into (1: the whole node).

  /// True for an unsplit node.
  bool whole() const { return count <= 1; }
  /// "slice 1 of 2", for messages.
  std::string describe() const { return "slice " + std::to_string(index) + " of " + std::to_string(count); }
};

/// Units [begin, end) of slice `index` of `count` when `units` units are shared out as evenly as
/// possible (sizes differ by at most one; the earlier slices get the larger share).
inline std::pair<int64_t, int64_t> slice_range(int64_t units, int index, int count) {
  const int64_t base = units / count, extra = units % count;
  const int64_t begin = index * base + std::min<int64_t>(index, extra);
  return {begin, begin + base + (index < extra ? 1 : 0)};
}

/// True for operators whose kernels compute slices themselves (Conv by output channels, MatMul by
/// rows or columns, Gemm by columns, MaxPool and AveragePool by channel planes).
inline bool kernel_computes_slices(std::string_view op_type) {
  return op_type == "Conv" || op_type == "MatMul" || op_type == "Gemm" || op_type == "MaxPool" || op_type == "AveragePool";
}

/// True for operators that may split into slices: those of kernel_computes_slices() and the
/// row-wise ones (elementwise, Softmax, LayerNormalization: runtime/row_slicing.h). Whether a
/// particular node splits also depends on its shapes, attributes and layouts.
bool can_slice(std::string_view op_type);

}  // namespace ramiel::runtime
