/// \file
/// Cast and CastLike between every numeric type, bool, float16 and bfloat16 (strings unsupported).

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename From, typename To>
class CastKernel final : public Kernel {
 public:
  explicit CastKernel(const ir::Dims& dims) { outputs_.push_back({dtype_of<To>(), dims}); }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const From* x = inputs[0].data<From>();
    To* y = outputs[0].data<To>();
    const int64_t n = outputs[0].size();
    for (int64_t i = 0; i < n; ++i) y[i] = convert<To>(x[i]);
  }
};

/// Copies when source and target types are the same.
class CopyKernel final : public Kernel {
 public:
  CopyKernel(ir::DataType dtype, const ir::Dims& dims) { outputs_.push_back({dtype, dims}); }
  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    copy_if_distinct(inputs[0], outputs[0]);
  }
};

std::unique_ptr<Kernel> create_cast(const KernelInit& init, ir::DataType to) {
  const TensorInfo& x = init.inputs[0];
  if (x.dtype == to && element_size(to) > 0) return std::make_unique<CopyKernel>(to, x.dims);
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto from_tag) -> std::unique_ptr<Kernel> {
    using From = typename decltype(from_tag)::type;
    return visit_dtype(to, std::unique_ptr<Kernel>{}, [&](auto to_tag) -> std::unique_ptr<Kernel> {
      using To = typename decltype(to_tag)::type;
      return std::make_unique<CastKernel<From, To>>(x.dims);
    });
  });
  if (!kernel) throw_unsupported(init, "cast from " + type_name(x.dtype) + " to " + type_name(to) + " is not supported");
  return kernel;
}

}  // namespace

/// Cast: converts to the type named by the `to` attribute.
std::unique_ptr<Kernel> create_cast_kernel(const KernelInit& init) {
  check_input_count(init, 1, 1);
  const ir::Attribute* to = init.node.attribute("to");
  if (!to || !ir::is_valid(static_cast<int32_t>(to->i))) throw_invalid(init, "attribute 'to' is missing or not a type");
  if (auto deferred = defer_if_dynamic(init, {static_cast<ir::DataType>(to->i)}, create_cast_kernel)) return deferred;
  return create_cast(init, static_cast<ir::DataType>(to->i));
}

/// CastLike: converts input 0 to the type of input 1.
std::unique_ptr<Kernel> create_cast_like_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 1), create_cast_like_kernel)) return deferred;
  check_input_count(init, 2, 2);
  return create_cast(init, init.inputs[1].dtype);
}

}  // namespace ramiel::runtime
