/// \file
/// Gather: picks slices of the data along an axis by int32/int64 indices (negative ones count
/// from the end); one memcpy per index.

#include <cstring>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename I>
class GatherKernel final : public Kernel {
 public:
  GatherKernel(ir::DataType dtype, const ir::Dims& data, const ir::Dims& indices, size_t axis, std::string label)
      : label_(std::move(label)) {
    ir::Dims out(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(axis));
    out.insert(out.end(), indices.begin(), indices.end());
    out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(axis) + 1, data.end());
    outputs_.push_back({dtype, out});
    outer_ = 1;
    for (size_t k = 0; k < axis; ++k) outer_ *= data[k];
    axis_dim_ = data[axis];
    inner_bytes_ = element_size(dtype);
    for (size_t k = axis + 1; k < data.size(); ++k) inner_bytes_ *= static_cast<size_t>(data[k]);
    count_ = ir::element_count(indices);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const auto* src = static_cast<const std::byte*>(inputs[0].raw());
    const I* idx = inputs[1].data<I>();
    auto* dst = static_cast<std::byte*>(outputs[0].raw());
    if (inner_bytes_ == 0 || outputs[0].size() == 0) return;
    for (int64_t o = 0; o < outer_; ++o) {
      const std::byte* block = src + static_cast<size_t>(o * axis_dim_) * inner_bytes_;
      for (int64_t i = 0; i < count_; ++i) {
        auto j = static_cast<int64_t>(idx[i]);
        if (j < 0) j += axis_dim_;
        if (j < 0 || j >= axis_dim_) {
          throw_bad_input(label_ + ": index " + std::to_string(idx[i]) + " is out of range for dimension " + std::to_string(axis_dim_));
        }
        std::memcpy(dst, block + static_cast<size_t>(j) * inner_bytes_, inner_bytes_);
        dst += inner_bytes_;
      }
    }
  }

 private:
  int64_t outer_ = 1, axis_dim_ = 0, count_ = 0;
  size_t inner_bytes_ = 0;
  std::string label_;
};

}  // namespace

/// Gather: out[..., i..., ...] = data[..., indices[i...], ...] along `axis` (default 0).
std::unique_ptr<Kernel> create_gather_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_gather_kernel)) return deferred;
  check_input_count(init, 2, 2);
  const TensorInfo& data = init.inputs[0];
  const TensorInfo& indices = init.inputs[1];
  if (element_size(data.dtype) == 0) throw_unsupported_type(init, data.dtype, "input 0");
  const auto axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("axis", 0), static_cast<int64_t>(data.dims.size())));
  if (indices.dtype == ir::DataType::kInt64) return std::make_unique<GatherKernel<int64_t>>(data.dtype, data.dims, indices.dims, axis, describe(init.node));
  if (indices.dtype == ir::DataType::kInt32) return std::make_unique<GatherKernel<int32_t>>(data.dtype, data.dims, indices.dims, axis, describe(init.node));
  throw_unsupported_type(init, indices.dtype, "indices");
}

}  // namespace ramiel::runtime
