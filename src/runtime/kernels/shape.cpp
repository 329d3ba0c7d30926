/// \file
/// Shape (with opset 15 start/end) and Size: int64 data computed from the input's dims at creation.

#include <algorithm>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

/// Values fixed at creation, offered as a constant output (the session then never runs it).
class FixedInt64Kernel final : public Kernel {
 public:
  FixedInt64Kernel(const std::vector<int64_t>& values, ir::Dims dims) : value_(ir::Tensor::from(ir::DataType::kInt64, dims, values)) {
    TensorInfo out{ir::DataType::kInt64, std::move(dims)};
    out.constant = &value_;
    outputs_.push_back(out);
  }
  void run(std::span<const ir::Tensor>, std::span<ir::Tensor> outputs) override { copy_if_distinct(value_, outputs[0]); }

 private:
  ir::Tensor value_;
};

}  // namespace

/// Shape: the input's dims[start:end] as a 1-D int64 tensor.
std::unique_ptr<Kernel> create_shape_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, {ir::DataType::kInt64}, create_shape_kernel)) return deferred;
  check_input_count(init, 1, 1);
  const ir::Dims& dims = init.inputs[0].dims;
  const auto rank = static_cast<int64_t>(dims.size());
  int64_t start = init.node.attr_int("start", 0);
  int64_t end = init.node.attr_int("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  std::vector<int64_t> values;
  for (int64_t k = start; k < end; ++k) values.push_back(dims[static_cast<size_t>(k)]);
  auto n = static_cast<int64_t>(values.size());
  return std::make_unique<FixedInt64Kernel>(values, ir::Dims{n});
}

/// Size: the input's element count as an int64 scalar.
std::unique_ptr<Kernel> create_size_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, {ir::DataType::kInt64}, create_size_kernel)) return deferred;
  check_input_count(init, 1, 1);
  return std::make_unique<FixedInt64Kernel>(std::vector<int64_t>{ir::element_count(init.inputs[0].dims)}, ir::Dims{});
}

}  // namespace ramiel::runtime
