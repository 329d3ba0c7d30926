/// \file
/// OneHot: on/off values with a new axis of size `depth` for each index (negative indices count
/// from the end; out-of-range ones give all-off rows). Dynamic when depth is not constant.

#include <cmath>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
class OneHotKernel final : public Kernel {
 public:
  OneHotKernel(const ir::Dims& indices, int64_t axis_attr, std::optional<int64_t> depth, std::string label)
      : indices_(indices), axis_attr_(axis_attr), label_(std::move(label)) {
    TensorInfo out{dtype_of<T>(), depth ? dims_for(*depth) : ir::Dims{}};
    out.dynamic = !depth;
    outputs_.push_back(out);
    depth_ = depth.value_or(0);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    int64_t depth = depth_;
    if (outputs_[0].dynamic) {
      depth = static_cast<int64_t>(element_as<double>(inputs[1], 0));
      if (depth < 0) throw_bad_input(label_ + ": depth must not be negative");
      outputs[0] = ir::Tensor(dtype_of<T>(), dims_for(depth));
    }
    const auto rank = static_cast<int64_t>(indices_.size()) + 1;
    const int64_t axis = axis_attr_ < 0 ? axis_attr_ + rank : axis_attr_;
    int64_t outer = 1, inner = 1;
    for (int64_t k = 0; k < rank - 1; ++k) (k < axis ? outer : inner) *= indices_[static_cast<size_t>(k)];
    const T off = inputs[2].data<T>()[0], on = inputs[2].data<T>()[1];
    T* y = outputs[0].data<T>();
    const int64_t total = outputs[0].size();
    for (int64_t i = 0; i < total; ++i) y[i] = off;
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        auto j = static_cast<int64_t>(element_as<double>(inputs[0], o * inner + i));
        if (j < 0) j += depth;
        if (j >= 0 && j < depth) y[(o * depth + j) * inner + i] = on;
      }
    }
  }

 private:
  ir::Dims dims_for(int64_t depth) const {
    ir::Dims out = indices_;
    const auto rank = static_cast<int64_t>(indices_.size()) + 1;
    const int64_t axis = axis_attr_ < 0 ? axis_attr_ + rank : axis_attr_;
    out.insert(out.begin() + axis, depth);
    return out;
  }

  ir::Dims indices_;
  int64_t axis_attr_;
  int64_t depth_ = 0;
  std::string label_;
};

}  // namespace

/// OneHot: output[..., indices[i], ...] = on along `axis`, off elsewhere.
std::unique_ptr<Kernel> create_one_hot_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 2), create_one_hot_kernel)) return deferred;
  check_input_count(init, 3, 3);
  const TensorInfo& indices = init.inputs[0];
  const auto rank = static_cast<int64_t>(indices.dims.size()) + 1;
  const int64_t axis = init.node.attr_int("axis", -1);
  if (axis < -rank || axis >= rank) throw_invalid(init, "axis " + std::to_string(axis) + " is out of range");
  if (ir::element_count(init.inputs[1].dims) != 1) throw_invalid(init, "depth must have one element");
  if (ir::element_count(init.inputs[2].dims) != 2) throw_invalid(init, "values must have two elements");
  if (element_size(indices.dtype) == 0 || indices.dtype == ir::DataType::kBool) throw_unsupported_type(init, indices.dtype, "indices");
  std::optional<int64_t> depth;
  if (init.inputs[1].constant) {
    depth = static_cast<int64_t>(element_as<double>(*init.inputs[1].constant, 0));
    if (*depth < 0) throw_invalid(init, "depth must not be negative");
  }
  auto kernel = visit_dtype(init.inputs[2].dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    return std::make_unique<OneHotKernel<T>>(indices.dims, axis, depth, describe(init.node));
  });
  if (!kernel) throw_unsupported_type(init, init.inputs[2].dtype, "values");
  return kernel;
}

}  // namespace ramiel::runtime
