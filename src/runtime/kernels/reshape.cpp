/// \file
/// The reshaping views: Reshape, Flatten, Squeeze, Unsqueeze. With static dims the output is a
/// view of input 0 (view_of_input(0) == 0; run() only copies when called on a separate buffer).
/// When the dims depend on a non-constant input (shape, axes), the output is dynamic and run()
/// computes the dims and copies into a fresh tensor.

#include <algorithm>
#include <functional>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

/// Computes the output dims from input 0's dims and the (run-time or constant) inputs.
using DimsFn = std::function<ir::Dims(const ir::Dims& in, std::span<const ir::Tensor* const> data)>;

/// Input 0 seen with other dims.
class ReshapeLikeKernel final : public Kernel {
 public:
  /// `data_inputs`: indices of inputs `dims_fn` reads; `static_dims`: the dims when known at creation.
  ReshapeLikeKernel(ir::DataType dtype, const ir::Dims& in, std::optional<ir::Dims> static_dims, std::vector<size_t> data_inputs,
                    DimsFn dims_fn, std::string label)
      : in_(in), data_inputs_(std::move(data_inputs)), dims_fn_(std::move(dims_fn)), label_(std::move(label)) {
    TensorInfo out{dtype, static_dims.value_or(ir::Dims{})};
    out.dynamic = !static_dims.has_value();
    outputs_.push_back(out);
  }

  int view_of_input(size_t output) const override { return output == 0 && !outputs_[0].dynamic ? 0 : -1; }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (!outputs_[0].dynamic) {
      copy_if_distinct(inputs[0], outputs[0]);
      return;
    }
    std::vector<const ir::Tensor*> data = run_inputs(inputs, data_inputs_);
    ir::Dims dims = with_label(label_, [&] { return dims_fn_(in_, data); });
    outputs[0] = ir::Tensor(inputs[0].dtype(), dims);
    copy_if_distinct(inputs[0], outputs[0]);
  }

 private:
  ir::Dims in_;
  std::vector<size_t> data_inputs_;
  DimsFn dims_fn_;
  std::string label_;
};

/// Creates the kernel: calls `dims_fn` now if every input in `data_inputs` is constant or absent.
std::unique_ptr<Kernel> create_reshape_like(const KernelInit& init, std::vector<size_t> data_inputs, DimsFn dims_fn) {
  const TensorInfo& x = init.inputs[0];
  std::optional<ir::Dims> dims;
  if (auto data = constant_inputs(init, data_inputs)) {
    try {
      dims = dims_fn(x.dims, *data);
    } catch (const Error& e) {
      rethrow_for_node(init, e);
    }
  }
  return std::make_unique<ReshapeLikeKernel>(x.dtype, x.dims, dims, std::move(data_inputs), std::move(dims_fn), describe(init.node));
}

ir::Dims reshape_dims(const ir::Dims& in, const std::vector<int64_t>& shape, bool allowzero) {
  ir::Dims out(shape.size());
  int64_t infer = -1, known = 1;
  for (size_t k = 0; k < shape.size(); ++k) {
    int64_t s = shape[k];
    if (s == -1) {
      if (infer >= 0) throw_bad_input("shape has more than one -1");
      infer = static_cast<int64_t>(k);
      continue;
    }
    if (s == 0 && !allowzero) {
      if (k >= in.size()) throw_bad_input("shape has a 0 beyond the input's rank");
      s = in[k];
    }
    if (s < 0) throw_bad_input("shape has a negative dimension " + std::to_string(s));
    out[k] = s;
    known *= s;
  }
  int64_t total = ir::element_count(in);
  if (infer >= 0) {
    if (known == 0 || total % known != 0) throw_bad_input("cannot infer -1 reshaping " + ir::to_string(in) + " to " + ir::to_string(shape));
    out[static_cast<size_t>(infer)] = total / known;
  }
  if (ir::element_count(out) != total) throw_bad_input("cannot reshape " + ir::to_string(in) + " to " + ir::to_string(shape));
  return out;
}

int64_t axis_in(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) throw_bad_input("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

}  // namespace

/// Reshape: input 0 with the dims of the `shape` input (0 copies a dim unless allowzero, -1 infers).
std::unique_ptr<Kernel> create_reshape_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_reshape_kernel)) return deferred;
  if (init.opset < 5) throw_unsupported(init, "opset " + std::to_string(init.opset) + " (shape attribute) is not supported");
  check_input_count(init, 2, 2);
  bool allowzero = init.node.attr_int("allowzero", 0) != 0;
  return create_reshape_like(init, {1}, [allowzero](const ir::Dims& in, std::span<const ir::Tensor* const> data) {
    return reshape_dims(in, read_int64s(*data[0]), allowzero);
  });
}

/// Flatten: 2-D [prod(dims[:axis]), prod(dims[axis:])].
std::unique_ptr<Kernel> create_flatten_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_flatten_kernel)) return deferred;
  check_input_count(init, 1, 1);
  int64_t rank = static_cast<int64_t>(init.inputs[0].dims.size());
  int64_t axis = init.node.attr_int("axis", 1);
  if (axis < -rank || axis > rank) throw_invalid(init, "axis " + std::to_string(axis) + " is out of range");
  if (axis < 0) axis += rank;
  return create_reshape_like(init, {}, [axis](const ir::Dims& in, std::span<const ir::Tensor* const>) {
    int64_t outer = 1, inner = 1;
    for (size_t k = 0; k < in.size(); ++k) (static_cast<int64_t>(k) < axis ? outer : inner) *= in[k];
    return ir::Dims{outer, inner};
  });
}

/// Squeeze: removes the given size-1 axes (attribute before opset 13, input after), or all of them.
std::unique_ptr<Kernel> create_squeeze_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_squeeze_kernel)) return deferred;
  check_input_count(init, 1, 2);
  auto squeeze = [](const ir::Dims& in, const std::vector<int64_t>* axes) {
    std::vector<bool> drop(in.size(), false);
    if (!axes) {
      for (size_t k = 0; k < in.size(); ++k) drop[k] = in[k] == 1;
    } else {
      for (int64_t a : *axes) {
        auto k = static_cast<size_t>(axis_in(a, static_cast<int64_t>(in.size())));
        if (in[k] != 1) throw_bad_input("cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(in[k]));
        drop[k] = true;
      }
    }
    ir::Dims out;
    for (size_t k = 0; k < in.size(); ++k)
      if (!drop[k]) out.push_back(in[k]);
    return out;
  };
  if (init.opset < 13) {
    const ir::Attribute* a = init.node.attribute("axes");
    std::optional<std::vector<int64_t>> axes;
    if (a) axes = a->ints;
    return create_reshape_like(init, {}, [squeeze, axes](const ir::Dims& in, std::span<const ir::Tensor* const>) {
      return squeeze(in, axes ? &*axes : nullptr);
    });
  }
  return create_reshape_like(init, {1}, [squeeze](const ir::Dims& in, std::span<const ir::Tensor* const> data) {
    if (!data[0]) return squeeze(in, nullptr);
    std::vector<int64_t> axes = read_int64s(*data[0]);
    return squeeze(in, &axes);
  });
}

/// Unsqueeze: inserts size-1 axes at the given output positions (attribute before opset 13, input after).
std::unique_ptr<Kernel> create_unsqueeze_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_unsqueeze_kernel)) return deferred;
  auto unsqueeze = [](const ir::Dims& in, const std::vector<int64_t>& axes) {
    int64_t rank = static_cast<int64_t>(in.size() + axes.size());
    std::vector<bool> inserted(static_cast<size_t>(rank), false);
    for (int64_t a : axes) {
      auto k = static_cast<size_t>(axis_in(a, rank));
      if (inserted[k]) throw_bad_input("axis " + std::to_string(a) + " is repeated");
      inserted[k] = true;
    }
    ir::Dims out;
    size_t next = 0;
    for (size_t k = 0; k < inserted.size(); ++k) out.push_back(inserted[k] ? 1 : in[next++]);
    return out;
  };
  if (init.opset < 13) {
    check_input_count(init, 1, 1);
    std::vector<int64_t> axes = init.node.attr_ints("axes");
    return create_reshape_like(init, {}, [unsqueeze, axes](const ir::Dims& in, std::span<const ir::Tensor* const>) {
      return unsqueeze(in, axes);
    });
  }
  check_input_count(init, 2, 2);
  return create_reshape_like(init, {1}, [unsqueeze](const ir::Dims& in, std::span<const ir::Tensor* const> data) {
    return unsqueeze(in, read_int64s(*data[0]));
  });
}

}  // namespace ramiel::runtime
