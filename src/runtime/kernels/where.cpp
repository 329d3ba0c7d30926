/// \file
/// Where: condition ? X : Y, with the three inputs broadcast together.

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
class WhereKernel final : public Kernel {
 public:
  WhereKernel(const ir::Dims& c, const ir::Dims& x, const ir::Dims& y, const ir::Dims& out) : loop_({c, x, y}, out) {
    outputs_.push_back({dtype_of<T>(), out});
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const bool* c = inputs[0].data<bool>();
    const T* x = inputs[1].data<T>();
    const T* y = inputs[2].data<T>();
    T* o = outputs[0].data<T>();
    loop_.for_each([&](const std::array<int64_t, 3>& off, int64_t out_off, int64_t n, const std::array<int64_t, 3>& s) {
      const bool* cp = c + off[0];
      const T* xp = x + off[1];
      const T* yp = y + off[2];
      T* op = o + out_off;
      if (s[0] == 1 && s[1] == 1 && s[2] == 1) {
        for (int64_t j = 0; j < n; ++j) op[j] = cp[j] ? xp[j] : yp[j];
      } else {
        for (int64_t j = 0; j < n; ++j) op[j] = cp[j * s[0]] ? xp[j * s[1]] : yp[j * s[2]];
      }
    });
  }

 private:
  BroadcastLoop<3> loop_;
};

}  // namespace

/// Where: elementwise select between X and Y by a bool condition.
std::unique_ptr<Kernel> create_where_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 1), create_where_kernel)) return deferred;
  check_input_count(init, 3, 3);
  const TensorInfo& c = init.inputs[0];
  const TensorInfo& x = init.inputs[1];
  const TensorInfo& y = init.inputs[2];
  if (c.dtype != ir::DataType::kBool) throw_invalid(init, "condition must be bool, is " + type_name(c.dtype));
  if (x.dtype != y.dtype) throw_invalid(init, "X and Y types differ");
  ir::Dims out = broadcast_dims(init, broadcast_dims(init, c.dims, x.dims), y.dims);
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    return std::make_unique<WhereKernel<T>>(c.dims, x.dims, y.dims, out);
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 1");
  return kernel;
}

}  // namespace ramiel::runtime
