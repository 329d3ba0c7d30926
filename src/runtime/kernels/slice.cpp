/// \file
/// Slice: starts/ends/axes/steps as attributes (opset < 10) or inputs (opset >= 10), with negative
/// indices, clamping and negative steps; one strided copy.

#include <algorithm>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

CopyPlan slice_plan(const ir::Dims& in, size_t esize, const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                    std::vector<int64_t> axes, std::vector<int64_t> steps) {
  const auto rank = static_cast<int64_t>(in.size());
  if (starts.size() != ends.size()) throw_bad_input("starts and ends have different lengths");
  if (axes.empty()) {
    for (size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<int64_t>(k));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (axes.size() != starts.size() || steps.size() != starts.size()) throw_bad_input("axes or steps length differs from starts");
  std::vector<int64_t> first(in.size(), 0), step(in.size(), 1);
  ir::Dims out = in;
  std::vector<bool> seen(in.size(), false);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = axes[i];
    if (axis < -rank || axis >= rank) throw_bad_input("axis " + std::to_string(axis) + " is out of range");
    auto k = static_cast<size_t>(axis < 0 ? axis + rank : axis);
    if (seen[k]) throw_bad_input("axis " + std::to_string(axis) + " is repeated");
    seen[k] = true;
    const int64_t d = in[k], st = steps[i];
    if (st == 0) throw_bad_input("step is 0");
    int64_t s = starts[i], e = ends[i];
    if (s < 0) s = s < -d ? 0 - (st < 0) : s + d;  // keep far-negative starts clamped
    if (e < 0) e = e < -d ? -1 : e + d;
    int64_t count;
    if (st > 0) {
      s = std::clamp<int64_t>(s, 0, d);
      e = std::clamp<int64_t>(e, 0, d);
      count = e > s ? (e - s + st - 1) / st : 0;
    } else {
      s = std::clamp<int64_t>(s, -1, d - 1);
      e = std::clamp<int64_t>(e, -1, d - 1);
      count = s > e ? (s - e + (-st) - 1) / (-st) : 0;
    }
    first[k] = s;
    step[k] = st;
    out[k] = count;
  }
  std::vector<int64_t> in_strides = contiguous_strides(in);
  std::vector<int64_t> strides(in.size());
  int64_t offset = 0;
  for (size_t k = 0; k < in.size(); ++k) {
    strides[k] = in_strides[k] * step[k];
    if (out[k] > 0) offset += first[k] * in_strides[k];
  }
  if (ir::element_count(out) == 0) offset = 0;
  return CopyPlan{out, StridedCopy(out, strides, offset, esize)};
}

}  // namespace

/// Slice: the elements start, start + step, ... before end along each sliced axis.
std::unique_ptr<Kernel> create_slice_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_slice_kernel)) return deferred;
  size_t esize = element_size(init.inputs.empty() ? ir::DataType::kUndefined : init.inputs[0].dtype);
  if (init.opset < 10) {
    check_input_count(init, 1, 1);
    std::vector<int64_t> starts = init.node.attr_ints("starts"), ends = init.node.attr_ints("ends");
    std::vector<int64_t> axes = init.node.attr_ints("axes");
    return create_strided_copy_kernel(init, {}, [=](const ir::Dims& in, std::span<const ir::Tensor* const>) {
      return slice_plan(in, esize, starts, ends, axes, {});
    });
  }
  check_input_count(init, 3, 5);
  return create_strided_copy_kernel(init, {1, 2, 3, 4}, [esize](const ir::Dims& in, std::span<const ir::Tensor* const> d) {
    return slice_plan(in, esize, read_int64s(*d[0]), read_int64s(*d[1]), d[2] ? read_int64s(*d[2]) : std::vector<int64_t>{},
                      d[3] ? read_int64s(*d[3]) : std::vector<int64_t>{});
  });
}

}  // namespace ramiel::runtime
