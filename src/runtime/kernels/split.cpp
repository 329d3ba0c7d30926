/// \file
/// Split: cuts input 0 along an axis into the node's outputs, by the `split` sizes (attribute
/// before opset 13, optional input after) or into equal parts (the last one smaller if needed).

#include <algorithm>
#include <cstring>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

std::vector<int64_t> split_sizes(int64_t dim, size_t outputs, const std::vector<int64_t>* split) {
  std::vector<int64_t> sizes;
  if (split) {
    if (split->size() != outputs) throw_bad_input("split has " + std::to_string(split->size()) + " entries for " + std::to_string(outputs) + " outputs");
    int64_t sum = 0;
    for (int64_t s : *split) {
      if (s < 0) throw_bad_input("split sizes must not be negative");
      sum += s;
    }
    if (sum != dim) throw_bad_input("split sizes add up to " + std::to_string(sum) + ", not " + std::to_string(dim));
    return *split;
  }
  const auto n = static_cast<int64_t>(outputs);
  const int64_t chunk = (dim + n - 1) / n;
  for (int64_t i = 0; i < n; ++i) sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
  return sizes;
}

class SplitKernel final : public Kernel {
 public:
  SplitKernel(ir::DataType dtype, const ir::Dims& in, size_t axis, size_t outputs, std::optional<std::vector<int64_t>> sizes,
              std::string label)
      : dtype_(dtype), in_(in), axis_(axis), label_(std::move(label)) {
    outer_ = 1;
    inner_bytes_ = element_size(dtype);
    for (size_t k = 0; k < axis; ++k) outer_ *= in[k];
    for (size_t k = axis + 1; k < in.size(); ++k) inner_bytes_ *= static_cast<size_t>(in[k]);
    for (size_t j = 0; j < outputs; ++j) {
      TensorInfo info{dtype, {}};
      info.dynamic = !sizes;
      if (sizes) {
        info.dims = in;
        info.dims[axis] = (*sizes)[j];
      }
      outputs_.push_back(info);
    }
    if (sizes) sizes_ = *sizes;
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (outputs_[0].dynamic) {
      std::vector<int64_t> split = read_int64s(inputs[1]);
      sizes_ = with_label(label_, [&] { return split_sizes(in_[axis_], outputs.size(), &split); });
      for (size_t j = 0; j < outputs.size(); ++j) {
        ir::Dims dims = in_;
        dims[axis_] = sizes_[j];
        outputs[j] = ir::Tensor(dtype_, dims);
      }
    }
    const auto* src = static_cast<const std::byte*>(inputs[0].raw());
    for (int64_t i = 0; i < outer_; ++i) {
      for (size_t j = 0; j < outputs.size(); ++j) {
        const size_t n = static_cast<size_t>(sizes_[j]) * inner_bytes_;
        if (n == 0) continue;
        std::memcpy(static_cast<std::byte*>(outputs[j].raw()) + static_cast<size_t>(i) * n, src, n);
        src += n;
      }
    }
  }

 private:
  ir::DataType dtype_;
  ir::Dims in_;
  size_t axis_;
  int64_t outer_;
  size_t inner_bytes_;
  std::vector<int64_t> sizes_;
  std::string label_;
};

}  // namespace

/// Split: one output per part along `axis` (default 0).
std::unique_ptr<Kernel> create_split_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0, init.node.outputs.size()), create_split_kernel)) return deferred;
  check_input_count(init, 1, init.opset >= 13 ? 2 : 1);
  const TensorInfo& x = init.inputs[0];
  if (element_size(x.dtype) == 0) throw_unsupported_type(init, x.dtype, "input 0");
  const auto axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("axis", 0), static_cast<int64_t>(x.dims.size())));
  const size_t outputs = init.node.outputs.size();
  if (outputs == 0) throw_invalid(init, "has no outputs");
  std::optional<std::vector<int64_t>> sizes;
  try {
    if (init.opset < 13) {
      const ir::Attribute* a = init.node.attribute("split");
      sizes = split_sizes(x.dims[axis], outputs, a ? &a->ints : nullptr);
    } else if (!has_input(init, 1)) {
      sizes = split_sizes(x.dims[axis], outputs, nullptr);
    } else if (init.inputs[1].constant) {
      std::vector<int64_t> split = read_int64s(*init.inputs[1].constant);
      sizes = split_sizes(x.dims[axis], outputs, &split);
    }
  } catch (const Error& e) {
    rethrow_for_node(init, e);
  }
  return std::make_unique<SplitKernel>(x.dtype, x.dims, axis, outputs, sizes, describe(init.node));
}

}  // namespace ramiel::runtime
