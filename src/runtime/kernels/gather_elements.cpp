/// \file
/// GatherElements: out[i] = data[i with i[axis] replaced by indices[i]]; the output has the
/// indices' dims. One odometer over the indices, the data offset advancing with the data strides.

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename I>
class GatherElementsKernel final : public Kernel {
 public:
  GatherElementsKernel(ir::DataType dtype, const ir::Dims& data, const ir::Dims& indices, size_t axis, std::string label)
      : dims_(indices), data_strides_(contiguous_strides(data)), axis_(axis), axis_dim_(data[axis]), esize_(element_size(dtype)),
        label_(std::move(label)) {
    outputs_.push_back({dtype, indices});
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const int64_t total = outputs[0].size();
    if (total == 0) return;
    switch (esize_) {
      case 1: gather<uint8_t>(inputs, outputs, total); break;
      case 2: gather<uint16_t>(inputs, outputs, total); break;
      case 4: gather<uint32_t>(inputs, outputs, total); break;
      default: gather<uint64_t>(inputs, outputs, total); break;
    }
  }

 private:
  template <typename E> void gather(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs, int64_t total) const {
    const E* data = inputs[0].data<E>();
    const I* idx = inputs[1].data<I>();
    E* out = outputs[0].data<E>();
    const size_t r = dims_.size();
    std::array<int64_t, kMaxLoopRank> pos{};
    int64_t base = 0;  // data offset of pos with pos[axis] = 0
    const int64_t axis_stride = data_strides_[axis_];
    for (int64_t i = 0; i < total; ++i) {
      auto j = static_cast<int64_t>(idx[i]);
      if (j < 0) j += axis_dim_;
      if (j < 0 || j >= axis_dim_) throw_bad_input(label_ + ": index " + std::to_string(idx[i]) + " is out of range");
      out[i] = data[base + j * axis_stride];
      for (size_t k = r; k-- > 0;) {
        if (++pos[k] < dims_[k]) {
          if (k != axis_) base += data_strides_[k];
          break;
        }
        if (k != axis_) base -= data_strides_[k] * (dims_[k] - 1);
        pos[k] = 0;
      }
    }
  }

  ir::Dims dims_;
  std::vector<int64_t> data_strides_;
  size_t axis_;
  int64_t axis_dim_;
  size_t esize_;
  std::string label_;
};

}  // namespace

/// GatherElements: picks data elements along `axis` by an index tensor of the same rank.
std::unique_ptr<Kernel> create_gather_elements_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_gather_elements_kernel)) return deferred;
  check_input_count(init, 2, 2);
  const TensorInfo& data = init.inputs[0];
  const TensorInfo& indices = init.inputs[1];
  const size_t esize = element_size(data.dtype);
  if (esize == 0 || esize > 8) throw_unsupported_type(init, data.dtype, "input 0");
  if (data.dims.size() != indices.dims.size()) throw_invalid(init, "data and indices ranks differ");
  if (data.dims.size() > kMaxLoopRank) throw_unsupported(init, "rank above 16 is not supported");
  const auto axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("axis", 0), static_cast<int64_t>(data.dims.size())));
  for (size_t k = 0; k < data.dims.size(); ++k) {
    if (k != axis && indices.dims[k] > data.dims[k]) throw_invalid(init, "indices dims exceed data dims");
  }
  std::string label = describe(init.node);
  if (indices.dtype == ir::DataType::kInt64) return std::make_unique<GatherElementsKernel<int64_t>>(data.dtype, data.dims, indices.dims, axis, label);
  if (indices.dtype == ir::DataType::kInt32) return std::make_unique<GatherElementsKernel<int32_t>>(data.dtype, data.dims, indices.dims, axis, label);
  throw_unsupported_type(init, indices.dtype, "indices");
}

}  // namespace ramiel::runtime
