/// \file
/// EyeLike: a 2-D tensor of the input's dims with ones on the k-th diagonal.

#include <cstring>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
class EyeLikeKernel final : public Kernel {
 public:
  EyeLikeKernel(const ir::Dims& dims, int64_t k) : k_(k) { outputs_.push_back({dtype_of<T>(), dims}); }

  void run(std::span<const ir::Tensor>, std::span<ir::Tensor> outputs) override {
    const int64_t rows = outputs[0].dims()[0], cols = outputs[0].dims()[1];
    T* y = outputs[0].data<T>();
    for (int64_t i = 0; i < rows * cols; ++i) y[i] = convert<T>(0);
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t j = i + k_;
      if (j >= 0 && j < cols) y[i * cols + j] = convert<T>(1);
    }
  }

 private:
  int64_t k_;
};

}  // namespace

/// EyeLike: identity-like matrix of the input's dims, of type `dtype` (default: the input's).
std::unique_ptr<Kernel> create_eye_like_kernel(const KernelInit& init) {
  const ir::Attribute* dt = init.node.attribute("dtype");
  const ir::DataType dtype = dt ? static_cast<ir::DataType>(dt->i) : (init.inputs.empty() ? ir::DataType::kUndefined : init.inputs[0].dtype);
  if (auto deferred = defer_if_dynamic(init, {dtype}, create_eye_like_kernel)) return deferred;
  check_input_count(init, 1, 1);
  if (init.inputs[0].dims.size() != 2) throw_invalid(init, "input must be 2-D");
  const int64_t k = init.node.attr_int("k", 0);
  auto kernel = visit_dtype(dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    return std::make_unique<EyeLikeKernel<T>>(init.inputs[0].dims, k);
  });
  if (!kernel) throw_unsupported_type(init, dtype, "dtype");
  return kernel;
}

}  // namespace ramiel::runtime
