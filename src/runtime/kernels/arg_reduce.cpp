/// \file
/// ArgMax and ArgMin along one axis (keepdims, select_last_index): int64 indices. The input is seen
/// as [outer, K, inner]; each step over K compares a whole contiguous row of `inner` candidates.

#include <algorithm>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T, bool kMax>
class ArgReduceKernel final : public Kernel {
 public:
  using C = compute_t<T>;

  ArgReduceKernel(const ir::Dims& in, size_t axis, bool keepdims, bool last) : last_(last) {
    ir::Dims out;
    for (size_t k = 0; k < in.size(); ++k) {
      if (k < axis) outer_ *= in[k];
      if (k > axis) inner_ *= in[k];
      if (k != axis) out.push_back(in[k]);
      else if (keepdims) out.push_back(1);
    }
    k_ = in[axis];
    outputs_.push_back({ir::DataType::kInt64, out});
    best_.resize(static_cast<size_t>(inner_));
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const T* x = inputs[0].data<T>();
    int64_t* y = outputs[0].data<int64_t>();
    C* best = best_.data();
    for (int64_t o = 0; o < outer_; ++o) {
      const T* xo = x + o * k_ * inner_;
      int64_t* yo = y + o * inner_;
      for (int64_t i = 0; i < inner_; ++i) {
        best[i] = widen(xo[i]);
        yo[i] = 0;
      }
      for (int64_t k = 1; k < k_; ++k) {
        const T* row = xo + k * inner_;
        for (int64_t i = 0; i < inner_; ++i) {
          const C v = widen(row[i]);
          const bool better = kMax ? (last_ ? v >= best[i] : v > best[i]) : (last_ ? v <= best[i] : v < best[i]);
          if (better) {
            best[i] = v;
            yo[i] = k;
          }
        }
      }
    }
  }

 private:
  int64_t outer_ = 1, inner_ = 1, k_ = 0;
  bool last_;
  std::vector<C> best_;
};

template <bool kMax> std::unique_ptr<Kernel> create_arg_reduce(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, {ir::DataType::kInt64}, create_arg_reduce<kMax>)) return deferred;
  check_input_count(init, 1, 1);
  const TensorInfo& x = init.inputs[0];
  const auto axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("axis", 0), static_cast<int64_t>(x.dims.size())));
  if (x.dims[axis] == 0) throw_invalid(init, "cannot reduce an empty axis");
  const bool keepdims = init.node.attr_int("keepdims", 1) != 0;
  const bool last = init.node.attr_int("select_last_index", 0) != 0;
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsNumeric<T>) return std::make_unique<ArgReduceKernel<T, kMax>>(x.dims, axis, keepdims, last);
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace

/// ArgMax: index of the largest element along `axis` (the first one, or the last with select_last_index).
std::unique_ptr<Kernel> create_arg_max_kernel(const KernelInit& init) { return create_arg_reduce<true>(init); }
/// ArgMin: index of the smallest element along `axis`.
std::unique_ptr<Kernel> create_arg_min_kernel(const KernelInit& init) { return create_arg_reduce<false>(init); }

}  // namespace ramiel::runtime
