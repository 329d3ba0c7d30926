/// \file
/// Concat: joins inputs along an axis; one memcpy per input per outer index.

#include <cstring>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

class ConcatKernel final : public Kernel {
 public:
  ConcatKernel(ir::DataType dtype, const ir::Dims& out, int64_t outer, std::vector<size_t> chunk_bytes)
      : outer_(outer), chunk_bytes_(std::move(chunk_bytes)) {
    outputs_.push_back({dtype, out});
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    auto* o = static_cast<std::byte*>(outputs[0].raw());
    for (int64_t i = 0; i < outer_; ++i) {
      for (size_t k = 0; k < chunk_bytes_.size(); ++k) {
        const size_t n = chunk_bytes_[k];
        if (n == 0) continue;
        std::memcpy(o, static_cast<const std::byte*>(inputs[k].raw()) + static_cast<size_t>(i) * n, n);
        o += n;
      }
    }
  }

 private:
  int64_t outer_;
  std::vector<size_t> chunk_bytes_;
};

}  // namespace

/// Concat: output dim `axis` is the sum of the inputs'; the other dims must agree.
std::unique_ptr<Kernel> create_concat_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_concat_kernel)) return deferred;
  if (init.inputs.empty()) throw_invalid(init, "needs at least one input");
  const TensorInfo& first = init.inputs[0];
  if (element_size(first.dtype) == 0) throw_unsupported_type(init, first.dtype, "input 0");
  const auto rank = static_cast<int64_t>(first.dims.size());
  if (!init.node.attribute("axis")) throw_invalid(init, "attribute 'axis' is missing");
  const auto axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("axis", 0), rank));
  ir::Dims out = first.dims;
  out[axis] = 0;
  int64_t outer = 1, inner = 1;
  for (size_t k = 0; k < axis; ++k) outer *= first.dims[k];
  for (size_t k = axis + 1; k < first.dims.size(); ++k) inner *= first.dims[k];
  std::vector<size_t> chunks;
  for (size_t i = 0; i < init.inputs.size(); ++i) {
    const TensorInfo& in = init.inputs[i];
    if (in.absent() || in.dtype != first.dtype || in.dims.size() != first.dims.size()) {
      throw_invalid(init, "input " + std::to_string(i) + " is missing or differs in type or rank");
    }
    for (size_t k = 0; k < in.dims.size(); ++k) {
      if (k != axis && in.dims[k] != first.dims[k]) {
        throw_invalid(init, "input dims " + ir::to_string(in.dims) + " and " + ir::to_string(first.dims) + " differ off the axis");
      }
    }
    out[axis] += in.dims[axis];
    chunks.push_back(static_cast<size_t>(in.dims[axis] * inner) * element_size(first.dtype));
  }
  if (ir::element_count(out) == 0) outer = 0;
  return std::make_unique<ConcatKernel>(first.dtype, out, outer, std::move(chunks));
}

}  // namespace ramiel::runtime
