/// \file
/// Variadic elementwise operators with multidirectional broadcasting: Max, Min, Sum, Mean. The
/// first two inputs are combined into the output, then each further input is folded into it.

#include <cmath>
#include <type_traits>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

/// Folds its inputs pairwise into the output with `Op`; Mean divides at the end.
template <typename T, typename Op>
class VariadicKernel final : public Kernel {
 public:
  VariadicKernel(const std::vector<ir::Dims>& in, const ir::Dims& out, bool mean) : mean_(mean) {
    outputs_.push_back({dtype_of<T>(), out});
    if (in.size() == 1) {
      loops_.emplace_back(std::array<ir::Dims, 2>{in[0], in[0]}, out);
      return;
    }
    loops_.emplace_back(std::array<ir::Dims, 2>{in[0], in[1]}, out);
    for (size_t i = 2; i < in.size(); ++i) loops_.emplace_back(std::array<ir::Dims, 2>{out, in[i]}, out);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    T* o = outputs[0].data<T>();
    const Op op{};
    auto f = [op](T x, T y) { return store_as<T>(op(widen(x), widen(y))); };
    if (inputs.size() == 1) {
      copy_if_distinct(inputs[0], outputs[0]);
    } else {
      for (size_t step = 0; step < loops_.size(); ++step) {
        const T* a = step == 0 ? inputs[0].data<T>() : o;
        const T* b = inputs[step + 1].data<T>();
        loops_[step].for_each([&](const std::array<int64_t, 2>& off, int64_t out_off, int64_t n, const std::array<int64_t, 2>& s) {
          binary_run(a + off[0], s[0], b + off[1], s[1], o + out_off, n, f);
        });
      }
    }
    if (mean_) {
      const int64_t n = outputs[0].size();
      const auto scale = static_cast<compute_t<T>>(1.0 / static_cast<double>(inputs.size()));
      for (int64_t i = 0; i < n; ++i) o[i] = store_as<T>(widen(o[i]) * scale);
    }
  }

 private:
  std::vector<BroadcastLoop<2>> loops_;
  bool mean_;
};

/// Max, propagating NaN like numpy.maximum.
struct MaxOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  template <typename C> C operator()(C a, C b) const { return (a >= b || a != a) ? a : b; }
};
/// Min, propagating NaN like numpy.minimum.
struct MinOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  template <typename C> C operator()(C a, C b) const { return (a <= b || a != a) ? a : b; }
};
struct SumOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  template <typename C> C operator()(C a, C b) const { return static_cast<C>(a + b); }
};
struct MeanOp {
  template <typename T> static constexpr bool kSupports = kIsFloat<T>;
  template <typename C> C operator()(C a, C b) const { return static_cast<C>(a + b); }
};

template <typename Op> std::unique_ptr<Kernel> create_variadic(const KernelInit& init, bool mean) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), [mean](const KernelInit& i) { return create_variadic<Op>(i, mean); })) return deferred;
  if (init.inputs.empty()) throw_invalid(init, "needs at least one input");
  std::vector<ir::Dims> dims;
  ir::Dims out = init.inputs[0].dims;
  for (size_t i = 0; i < init.inputs.size(); ++i) {
    const TensorInfo& in = init.inputs[i];
    if (in.absent()) throw_invalid(init, "input " + std::to_string(i) + " is missing");
    if (in.dtype != init.inputs[0].dtype) throw_invalid(init, "input types differ");
    dims.push_back(in.dims);
    out = broadcast_dims(init, out, in.dims);
  }
  auto kernel = visit_dtype(init.inputs[0].dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (Op::template kSupports<T>) return std::make_unique<VariadicKernel<T, Op>>(dims, out, mean);
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, init.inputs[0].dtype, "input 0");
  return kernel;
}

}  // namespace

/// Max: elementwise maximum of all inputs.
std::unique_ptr<Kernel> create_max_kernel(const KernelInit& init) { return create_variadic<MaxOp>(init, false); }
/// Min: elementwise minimum of all inputs.
std::unique_ptr<Kernel> create_min_kernel(const KernelInit& init) { return create_variadic<MinOp>(init, false); }
/// Sum: elementwise sum of all inputs.
std::unique_ptr<Kernel> create_sum_kernel(const KernelInit& init) { return create_variadic<SumOp>(init, false); }
/// Mean: elementwise mean of all inputs.
std::unique_ptr<Kernel> create_mean_kernel(const KernelInit& init) { return create_variadic<MeanOp>(init, true); }

}  // namespace ramiel::runtime
