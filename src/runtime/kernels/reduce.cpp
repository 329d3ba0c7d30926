/// \file
/// The Reduce family: ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2,
/// ReduceSumSquare, ReduceLogSum, ReduceLogSumExp, with keepdims and noop_with_empty_axes. Axes are
/// an attribute, or an input for ReduceSum from opset 13 (dynamic output when not constant).
///
/// One pass over the input in memory order: each input element is folded into an accumulator per
/// output element, whose offset advances with stride 0 along reduced dims. Contiguous reductions
/// use 8 independent partial results so the compiler vectorises them.

#include <algorithm>
#include <cmath>
#include <limits>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

enum class ReduceKind { kSum, kMean, kMax, kMin, kProd, kL1, kL2, kSumSquare, kLogSum, kLogSumExp };

/// How to walk the input and where each element accumulates.
struct ReducePlan {
  ir::Dims out_dims;                 ///< Output dims (keepdims applied).
  bool copy = false;                 ///< noop_with_empty_axes with no axes: output = input.
  std::vector<int64_t> dims;         ///< Input dims after merging (size-1 dims dropped).
  std::vector<int64_t> out_strides;  ///< Accumulator stride per merged dim (0 = reduced).
  int64_t in_total = 0;              ///< Input elements.
  int64_t out_total = 0;             ///< Output elements.
  int64_t count = 1;                 ///< Input elements per output element.
};

ReducePlan reduce_plan(const ir::Dims& in, const std::vector<int64_t>& axes, bool reduce_all, bool keepdims) {
  const auto rank = static_cast<int64_t>(in.size());
  std::vector<bool> reduced(in.size(), reduce_all);
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) throw_bad_input("axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
    reduced[static_cast<size_t>(a < 0 ? a + rank : a)] = true;
  }
  ReducePlan p;
  ir::Dims keep_dims(in.size());
  for (size_t k = 0; k < in.size(); ++k) {
    keep_dims[k] = reduced[k] ? 1 : in[k];
    if (!reduced[k] || keepdims) p.out_dims.push_back(keep_dims[k]);
    if (reduced[k]) p.count *= in[k];
  }
  std::vector<int64_t> ks = contiguous_strides(keep_dims);
  for (size_t k = 0; k < in.size(); ++k) {
    if (in[k] == 1) continue;
    int64_t s = reduced[k] ? 0 : ks[k];
    if (!p.dims.empty() && p.out_strides.back() == s * in[k]) {
      p.dims.back() *= in[k];
      p.out_strides.back() = s;
    } else {
      p.dims.push_back(in[k]);
      p.out_strides.push_back(s);
    }
  }
  if (p.dims.empty()) {
    p.dims.push_back(1);
    p.out_strides.push_back(0);
  }
  if (p.dims.size() > kMaxLoopRank) throw Error(ErrorKind::kUnsupported, "reduction of rank above 16");
  p.in_total = ir::element_count(in);
  p.out_total = ir::element_count(p.out_dims);
  return p;
}

/// Calls f(in_offset, n, acc_offset, acc_stride) for each contiguous run of the input.
template <typename F> void for_each_run(const ReducePlan& p, F&& f) {
  if (p.in_total == 0) return;
  const size_t r = p.dims.size();
  const int64_t inner = p.dims[r - 1];
  const int64_t inner_stride = p.out_strides[r - 1];
  std::array<int64_t, kMaxLoopRank> idx{};
  int64_t acc = 0;
  for (int64_t in = 0; in < p.in_total; in += inner) {
    f(in, inner, acc, inner_stride);
    for (size_t k = r - 1; k-- > 0;) {
      if (++idx[k] < p.dims[k]) {
        acc += p.out_strides[k];
        break;
      }
      acc -= p.out_strides[k] * (p.dims[k] - 1);
      idx[k] = 0;
    }
  }
}

/// Accumulator type: float for the 32- and 16-bit floats, double, and 64-bit integers.
template <typename T> using acc_t = std::conditional_t<kIsFloat<T>, compute_t<T>, std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;

template <ReduceKind K, typename A> constexpr A identity() {
  if constexpr (K == ReduceKind::kMax) return std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity() : std::numeric_limits<A>::lowest();
  else if constexpr (K == ReduceKind::kMin) return std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity() : std::numeric_limits<A>::max();
  else if constexpr (K == ReduceKind::kProd) return A(1);
  else return A(0);
}

template <ReduceKind K, typename A> inline A map(A x) {
  if constexpr (K == ReduceKind::kL1) {
    if constexpr (std::is_unsigned_v<A>) return x;
    else return x < A(0) ? static_cast<A>(-x) : x;
  } else if constexpr (K == ReduceKind::kL2 || K == ReduceKind::kSumSquare) {
    return static_cast<A>(x * x);
  } else {
    return x;
  }
}

template <ReduceKind K, typename A> inline A combine(A a, A b) {
  if constexpr (K == ReduceKind::kMax) return (a >= b || a != a) ? a : b;
  else if constexpr (K == ReduceKind::kMin) return (a <= b || a != a) ? a : b;
  else if constexpr (K == ReduceKind::kProd) return static_cast<A>(a * b);
  else return static_cast<A>(a + b);
}

template <typename T, ReduceKind K>
class ReduceKernel final : public Kernel {
 public:
  using A = acc_t<T>;

  ReduceKernel(const ir::Dims& in, std::optional<ReducePlan> plan, bool keepdims, bool noop, std::string label)
      : in_(in), plan_(std::move(plan)), keepdims_(keepdims), noop_(noop), label_(std::move(label)) {
    TensorInfo out{dtype_of<T>(), plan_ ? plan_->out_dims : ir::Dims{}};
    out.dynamic = !plan_;
    outputs_.push_back(out);
    if (plan_) {
      acc_.resize(static_cast<size_t>(plan_->out_total));
      if (K == ReduceKind::kLogSumExp) max_.resize(acc_.size());
    }
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (plan_) {
      reduce(*plan_, inputs[0].data<T>(), outputs[0].data<T>());
      return;
    }
    ReducePlan plan = with_label(label_, [&] {
      std::vector<int64_t> axes = inputs.size() > 1 && inputs[1].raw() ? read_int64s(inputs[1]) : std::vector<int64_t>{};
      if (axes.empty() && noop_) {
        ReducePlan p;
        p.copy = true;
        p.out_dims = in_;
        p.in_total = p.out_total = ir::element_count(in_);
        return p;
      }
      return reduce_plan(in_, axes, axes.empty(), keepdims_);
    });
    outputs[0] = ir::Tensor(dtype_of<T>(), plan.out_dims);
    acc_.resize(static_cast<size_t>(plan.out_total));
    if (K == ReduceKind::kLogSumExp) max_.resize(acc_.size());
    reduce(plan, inputs[0].data<T>(), outputs[0].data<T>());
  }

 private:
  void reduce(const ReducePlan& p, const T* x, T* y) {
    if (p.copy) {
      std::copy(x, x + p.in_total, y);
      return;
    }
    A* acc = acc_.data();
    if constexpr (K == ReduceKind::kLogSumExp) {
      // log(sum(exp(x - max))) + max, so large inputs do not overflow.
      A* mx = max_.data();
      std::fill(mx, mx + p.out_total, identity<ReduceKind::kMax, A>());
      accumulate<ReduceKind::kMax, false>(p, x, mx, nullptr);
      for (int64_t i = 0; i < p.out_total; ++i)
        if (std::isinf(mx[i])) mx[i] = A(0);
      std::fill(acc, acc + p.out_total, A(0));
      accumulate<ReduceKind::kSum, true>(p, x, acc, mx);
      for (int64_t i = 0; i < p.out_total; ++i) y[i] = store_as<T>(std::log(acc[i]) + mx[i]);
    } else {
      std::fill(acc, acc + p.out_total, identity<K, A>());
      accumulate<K, false>(p, x, acc, nullptr);
      for (int64_t i = 0; i < p.out_total; ++i) y[i] = store_as<T>(finalize(acc[i], p.count));
    }
  }

  static A finalize(A a, int64_t count) {
    if constexpr (K == ReduceKind::kMean) return static_cast<A>(a / static_cast<A>(count));
    else if constexpr (K == ReduceKind::kL2) return static_cast<A>(std::sqrt(static_cast<double>(a)));
    else if constexpr (K == ReduceKind::kLogSum) return static_cast<A>(std::log(static_cast<double>(a)));
    else return a;
  }

  /// Folds map(x) (or exp(x - shift[out]) when kShift) into acc with combine<R>.
  template <ReduceKind R, bool kShift>
  static void accumulate(const ReducePlan& p, const T* x, A* acc, const A* shift) {
    for_each_run(p, [&](int64_t in, int64_t n, int64_t o, int64_t s) {
      const T* xp = x + in;
      auto value = [&](int64_t j, int64_t out) -> A {
        A v = static_cast<A>(widen(xp[j]));
        if constexpr (kShift) return std::exp(v - shift[out]);
        (void)out;
        (void)shift;
        return map<K == ReduceKind::kLogSumExp ? ReduceKind::kSum : K, A>(v);
      };
      if (s == 0) {
        // Eight independent partial results: vectorisable without reassociation.
        A lanes[8];
        for (A& l : lanes) l = identity<R, A>();
        int64_t j = 0;
        for (; j + 8 <= n; j += 8)
          for (int64_t l = 0; l < 8; ++l) lanes[l] = combine<R, A>(lanes[l], value(j + l, o));
        for (; j < n; ++j) lanes[0] = combine<R, A>(lanes[0], value(j, o));
        A total = lanes[0];
        for (int l = 1; l < 8; ++l) total = combine<R, A>(total, lanes[l]);
        acc[o] = combine<R, A>(acc[o], total);
      } else {
        for (int64_t j = 0; j < n; ++j) acc[o + j * s] = combine<R, A>(acc[o + j * s], value(j, o + j * s));
      }
    });
  }

  ir::Dims in_;
  std::optional<ReducePlan> plan_;
  bool keepdims_, noop_;
  std::string label_;
  std::vector<A> acc_, max_;
};

template <ReduceKind K> std::unique_ptr<Kernel> create_reduce(const KernelInit& init, bool axes_input) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), [axes_input](const KernelInit& i) { return create_reduce<K>(i, axes_input); })) {
    return deferred;
  }
  check_input_count(init, 1, axes_input ? 2 : 1);
  const TensorInfo& x = init.inputs[0];
  const bool keepdims = init.node.attr_int("keepdims", 1) != 0;
  const bool noop = init.node.attr_int("noop_with_empty_axes", 0) != 0;
  std::optional<ReducePlan> plan;
  try {
    if (!axes_input) {
      std::vector<int64_t> axes = init.node.attr_ints("axes");
      plan = reduce_plan(x.dims, axes, axes.empty(), keepdims);
    } else if (!has_input(init, 1) || init.inputs[1].constant) {
      std::vector<int64_t> axes = has_input(init, 1) ? read_int64s(*init.inputs[1].constant) : std::vector<int64_t>{};
      if (axes.empty() && noop) {
        plan = ReducePlan{};
        plan->copy = true;
        plan->out_dims = x.dims;
        plan->in_total = plan->out_total = ir::element_count(x.dims);
      } else {
        plan = reduce_plan(x.dims, axes, axes.empty(), keepdims);
      }
    }
  } catch (const Error& e) {
    rethrow_for_node(init, e);
  }
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsNumeric<T> && (K != ReduceKind::kLogSumExp || kIsFloat<T>)) return std::make_unique<ReduceKernel<T, K>>(x.dims, plan, keepdims, noop, describe(init.node));
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

/// Axes come from an input for ReduceSum from opset 13 and for every reduction from opset 18.
bool axes_from_input(const KernelInit& init, bool is_sum) { return init.opset >= 18 || (is_sum && init.opset >= 13); }

}  // namespace

/// ReduceSum: sum over the axes.
std::unique_ptr<Kernel> create_reduce_sum_kernel(const KernelInit& init) { return create_reduce<ReduceKind::kSum>(init, axes_from_input(init, true)); }
/// ReduceMean: mean over the axes.
std::unique_ptr<Kernel> create_reduce_mean_kernel(const KernelInit& init) { return create_reduce<ReduceKind::kMean>(init, axes_from_input(init, false)); }
/// ReduceMax: maximum over the axes.
std::unique_ptr<Kernel> create_reduce_max_kernel(const KernelInit& init) { return create_reduce<ReduceKind::kMax>(init, axes_from_input(init, false)); }
/// ReduceMin: minimum over the axes.
std::unique_ptr<Kernel> create_reduce_min_kernel(const KernelInit& init) { return create_reduce<ReduceKind::kMin>(init, axes_from_input(init, false)); }
/// ReduceProd: product over the axes.
std::unique_ptr<Kernel> create_reduce_prod_kernel(const KernelInit& init) { return create_reduce<ReduceKind::kProd>(init, axes_from_input(init, false)); }
/// ReduceL1: sum of absolute values.
std::unique_ptr<Kernel> create_reduce_l1_kernel(const KernelInit& init) { return create_reduce<ReduceKind::kL1>(init, axes_from_input(init, false)); }
/// ReduceL2: square root of the sum of squares.
std::unique_ptr<Kernel> create_reduce_l2_kernel(const KernelInit& init) { return create_reduce<ReduceKind::kL2>(init, axes_from_input(init, false)); }
/// ReduceSumSquare: sum of squares.
std::unique_ptr<Kernel> create_reduce_sum_square_kernel(const KernelInit& init) { return create_reduce<ReduceKind::kSumSquare>(init, axes_from_input(init, false)); }
/// ReduceLogSum: log of the sum.
std::unique_ptr<Kernel> create_reduce_log_sum_kernel(const KernelInit& init) { return create_reduce<ReduceKind::kLogSum>(init, axes_from_input(init, false)); }
/// ReduceLogSumExp: log of the sum of exponentials (computed stably).
std::unique_ptr<Kernel> create_reduce_log_sum_exp_kernel(const KernelInit& init) { return create_reduce<ReduceKind::kLogSumExp>(init, axes_from_input(init, false)); }

}  // namespace ramiel::runtime
