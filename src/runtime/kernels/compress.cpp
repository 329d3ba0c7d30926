/// \file
/// Compress: keeps the slices along an axis (or the elements of the flattened input) whose
/// condition is true. Dynamic unless the condition is constant.

#include <cstring>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

class CompressKernel final : public Kernel {
 public:
  CompressKernel(ir::DataType dtype, const ir::Dims& in, std::optional<size_t> axis, std::optional<std::vector<bool>> keep)
      : dtype_(dtype), in_(in), axis_(axis) {
    TensorInfo out{dtype, keep ? dims_for(*keep) : ir::Dims{}};
    out.dynamic = !keep;
    outputs_.push_back(out);
    if (keep) keep_ = *keep;
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (outputs_[0].dynamic) {
      keep_.assign(static_cast<size_t>(inputs[1].size()), false);
      for (int64_t i = 0; i < inputs[1].size(); ++i) keep_[static_cast<size_t>(i)] = inputs[1].data<bool>()[i];
      outputs[0] = ir::Tensor(dtype_, dims_for(keep_));
    }
    int64_t outer = 1, n = ir::element_count(in_), inner = 1;
    if (axis_) {
      n = in_[*axis_];
      for (size_t k = 0; k < in_.size(); ++k) {
        if (k < *axis_) outer *= in_[k];
        if (k > *axis_) inner *= in_[k];
      }
    }
    const size_t chunk = static_cast<size_t>(inner) * element_size(dtype_);
    const auto* x = static_cast<const std::byte*>(inputs[0].raw());
    auto* y = static_cast<std::byte*>(outputs[0].raw());
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t j = 0; j < n && j < static_cast<int64_t>(keep_.size()); ++j) {
        if (!keep_[static_cast<size_t>(j)]) continue;
        std::memcpy(y, x + static_cast<size_t>(o * n + j) * chunk, chunk);
        y += chunk;
      }
    }
  }

 private:
  ir::Dims dims_for(const std::vector<bool>& keep) const {
    const int64_t limit = axis_ ? in_[*axis_] : ir::element_count(in_);
    int64_t kept = 0;
    for (size_t j = 0; j < keep.size() && static_cast<int64_t>(j) < limit; ++j) kept += keep[j] ? 1 : 0;
    if (!axis_) return {kept};
    ir::Dims out = in_;
    out[*axis_] = kept;
    return out;
  }

  ir::DataType dtype_;
  ir::Dims in_;
  std::optional<size_t> axis_;
  std::vector<bool> keep_;
};

}  // namespace

/// Compress: selects slices by a 1-D bool condition.
std::unique_ptr<Kernel> create_compress_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_compress_kernel)) return deferred;
  check_input_count(init, 2, 2);
  const TensorInfo& x = init.inputs[0];
  if (element_size(x.dtype) == 0) throw_unsupported_type(init, x.dtype, "input 0");
  if (init.inputs[1].dtype != ir::DataType::kBool || init.inputs[1].dims.size() != 1) throw_invalid(init, "condition must be a 1-D bool tensor");
  std::optional<size_t> axis;
  if (init.node.attribute("axis")) axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("axis", 0), static_cast<int64_t>(x.dims.size())));
  std::optional<std::vector<bool>> keep;
  if (const ir::Tensor* c = init.inputs[1].constant) {
    keep.emplace();
    for (int64_t i = 0; i < c->size(); ++i) keep->push_back(c->data<bool>()[i]);
  }
  return std::make_unique<CompressKernel>(x.dtype, x.dims, axis, keep);
}

}  // namespace ramiel::runtime
