/// \file
/// Constant (value and value_float(s)/value_int(s) attributes) and ConstantOfShape (fill value
/// over the dims of a shape input).

#include <cstring>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

/// A tensor held since creation, offered as a constant output.
class ConstantKernel final : public Kernel {
 public:
  explicit ConstantKernel(ir::Tensor value) : value_(std::move(value)) {
    TensorInfo out{value_.dtype(), value_.dims()};
    out.constant = &value_;
    outputs_.push_back(out);
  }
  void run(std::span<const ir::Tensor>, std::span<ir::Tensor> outputs) override { copy_if_distinct(value_, outputs[0]); }

 private:
  ir::Tensor value_;
};

/// Fills the output with one element value.
class FillKernel final : public Kernel {
 public:
  FillKernel(ir::Tensor value, std::optional<ir::Dims> dims, std::string label) : value_(std::move(value)), label_(std::move(label)) {
    TensorInfo out{value_.dtype(), dims.value_or(ir::Dims{})};
    out.dynamic = !dims;
    outputs_.push_back(out);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (outputs_[0].dynamic) {
      std::vector<int64_t> dims = read_int64s(inputs[0]);
      for (int64_t d : dims)
        if (d < 0) throw_bad_input(label_ + ": shape has a negative dimension");
      outputs[0] = ir::Tensor(value_.dtype(), dims);
    }
    const size_t esize = element_size(value_.dtype());
    auto* o = static_cast<std::byte*>(outputs[0].raw());
    const int64_t n = outputs[0].size();
    bool zero = true;
    for (size_t b = 0; b < esize; ++b) zero = zero && static_cast<const std::byte*>(value_.raw())[b] == std::byte{0};
    if (zero) {
      if (n > 0) std::memset(o, 0, static_cast<size_t>(n) * esize);
      return;
    }
    for (int64_t i = 0; i < n; ++i) std::memcpy(o + static_cast<size_t>(i) * esize, value_.raw(), esize);
  }

 private:
  ir::Tensor value_;
  std::string label_;
};

}  // namespace

/// Constant: the tensor of its one value attribute.
std::unique_ptr<Kernel> create_constant_kernel(const KernelInit& init) {
  check_input_count(init, 0, 0);
  const ir::Node& n = init.node;
  if (const ir::Attribute* a = n.attribute("value")) {
    if (element_size(a->t.dtype()) == 0) throw_unsupported_type(init, a->t.dtype(), "value");
    return std::make_unique<ConstantKernel>(a->t);
  }
  if (const ir::Attribute* a = n.attribute("value_float")) return std::make_unique<ConstantKernel>(ir::Tensor::from(ir::DataType::kFloat32, {}, std::vector<float>{a->f}));
  if (const ir::Attribute* a = n.attribute("value_int")) return std::make_unique<ConstantKernel>(ir::Tensor::from(ir::DataType::kInt64, {}, std::vector<int64_t>{a->i}));
  if (const ir::Attribute* a = n.attribute("value_floats")) {
    return std::make_unique<ConstantKernel>(ir::Tensor::from(ir::DataType::kFloat32, {static_cast<int64_t>(a->floats.size())}, a->floats));
  }
  if (const ir::Attribute* a = n.attribute("value_ints")) {
    return std::make_unique<ConstantKernel>(ir::Tensor::from(ir::DataType::kInt64, {static_cast<int64_t>(a->ints.size())}, a->ints));
  }
  if (n.attribute("value_string") || n.attribute("value_strings")) throw_unsupported(init, "string constants are not supported");
  if (n.attribute("sparse_value")) throw_unsupported(init, "sparse constants are not supported");
  throw_invalid(init, "has no value attribute");
}

/// ConstantOfShape: a tensor of the dims given by input 0, filled with `value` (float 0 by default).
std::unique_ptr<Kernel> create_constant_of_shape_kernel(const KernelInit& init) {
  check_input_count(init, 1, 1);
  ir::Tensor value(ir::DataType::kFloat32, {1});
  if (const ir::Attribute* a = init.node.attribute("value")) {
    if (a->t.size() != 1) throw_invalid(init, "value must have one element");
    if (element_size(a->t.dtype()) == 0) throw_unsupported_type(init, a->t.dtype(), "value");
    value = a->t;
  }
  std::optional<ir::Dims> dims;
  if (init.inputs[0].constant) {
    dims = read_int64s(*init.inputs[0].constant);
    for (int64_t d : *dims)
      if (d < 0) throw_invalid(init, "shape has a negative dimension");
  }
  return std::make_unique<FillKernel>(value, dims, describe(init.node));
}

}  // namespace ramiel::runtime
