/// \file
/// ReverseSequence: reverses the first sequence_lens[b] steps along time_axis for each batch
/// entry b along batch_axis; later steps are copied unchanged.

#include <cstring>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

class ReverseSequenceKernel final : public Kernel {
 public:
  ReverseSequenceKernel(ir::DataType dtype, const ir::Dims& x, size_t batch_axis, size_t time_axis, std::string label)
      : strides_(contiguous_strides(x)), batch_axis_(batch_axis), time_axis_(time_axis), esize_(element_size(dtype)), label_(std::move(label)) {
    outputs_.push_back({dtype, x});
    dims_ = x;
    // Everything but the batch and time axes is walked as "rest": its offsets, in order.
    ir::Dims rest_dims;
    std::vector<int64_t> rest_strides;
    for (size_t k = 0; k < x.size(); ++k) {
      if (k == batch_axis || k == time_axis) continue;
      rest_dims.push_back(x[k]);
      rest_strides.push_back(strides_[k]);
    }
    const int64_t n = ir::element_count(rest_dims);
    for (int64_t i = 0; i < n; ++i) {
      int64_t rem = i, off = 0;
      for (size_t k = rest_dims.size(); k-- > 0;) {
        off += (rem % rest_dims[k]) * rest_strides[k];
        rem /= rest_dims[k];
      }
      rest_offsets_.push_back(off);
    }
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const auto* x = static_cast<const std::byte*>(inputs[0].raw());
    auto* y = static_cast<std::byte*>(outputs[0].raw());
    const int64_t batch = dims_[batch_axis_], time = dims_[time_axis_];
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t len = ir::element_as_int64(inputs[1], b);
      if (len < 0 || len > time) throw_bad_input(label_ + ": sequence length " + std::to_string(len) + " is out of range");
      for (int64_t t = 0; t < time; ++t) {
        const int64_t src_t = t < len ? len - 1 - t : t;
        const int64_t dst = b * strides_[batch_axis_] + t * strides_[time_axis_];
        const int64_t src = b * strides_[batch_axis_] + src_t * strides_[time_axis_];
        for (int64_t off : rest_offsets_) {
          std::memcpy(y + static_cast<size_t>(dst + off) * esize_, x + static_cast<size_t>(src + off) * esize_, esize_);
        }
      }
    }
  }

 private:
  ir::Dims dims_;
  std::vector<int64_t> strides_, rest_offsets_;
  size_t batch_axis_, time_axis_, esize_;
  std::string label_;
};

}  // namespace

/// ReverseSequence: per-batch reversal of the leading time steps.
std::unique_ptr<Kernel> create_reverse_sequence_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_reverse_sequence_kernel)) return deferred;
  check_input_count(init, 2, 2);
  const TensorInfo& x = init.inputs[0];
  if (x.dims.size() < 2) throw_invalid(init, "input must have rank 2 or more");
  if (element_size(x.dtype) == 0) throw_unsupported_type(init, x.dtype, "input 0");
  const auto rank = static_cast<int64_t>(x.dims.size());
  const auto batch_axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("batch_axis", 1), rank));
  const auto time_axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("time_axis", 0), rank));
  if (batch_axis == time_axis) throw_invalid(init, "batch_axis and time_axis must differ");
  if (init.inputs[1].dims != ir::Dims{x.dims[batch_axis]}) throw_invalid(init, "sequence_lens must have one entry per batch");
  return std::make_unique<ReverseSequenceKernel>(x.dtype, x.dims, batch_axis, time_axis, describe(init.node));
}

}  // namespace ramiel::runtime
