/// \file
/// Unary elementwise operators: math (Abs, Neg, Sqrt, Exp, Log, Erf, Reciprocal, Floor, Ceil,
/// Round, Sign, trigonometric and hyperbolic functions), activations (Relu, LeakyRelu, Sigmoid,
/// Tanh, HardSigmoid, HardSwish, Elu, Selu, Celu, Softplus, Softsign, ThresholdedRelu, Shrink),
/// Not, IsNaN and IsInf. One flat loop per operator and type.

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

/// A flat loop applying `Op` to every element.
template <typename TI, typename TO, typename Op>
class UnaryKernel final : public Kernel {
 public:
  UnaryKernel(Op op, const ir::Dims& dims) : op_(op) { outputs_.push_back({dtype_of<TO>(), dims}); }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const TI* x = inputs[0].data<TI>();
    TO* y = outputs[0].data<TO>();
    const int64_t n = outputs[0].size();
    const Op op = op_;
    for (int64_t i = 0; i < n; ++i) y[i] = store_as<TO>(op(widen(x[i])));
  }

 private:
  Op op_;
};

// Each operator: `kSupports<T>`, `kBoolOutput`, and operator() on the compute type.

/// Float-only operator base.
struct FloatOnly {
  template <typename T> static constexpr bool kSupports = kIsFloat<T>;
  static constexpr bool kBoolOutput = false;
};

struct AbsOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = false;
  template <typename C> C operator()(C x) const {
    if constexpr (std::is_unsigned_v<C>) return x;
    else return x < C(0) ? static_cast<C>(-x) : x;
  }
};
struct NegOp {
  template <typename T> static constexpr bool kSupports = kIsSigned<T> && !std::is_same_v<T, bool>;
  static constexpr bool kBoolOutput = false;
  template <typename C> C operator()(C x) const { return static_cast<C>(-x); }
};
struct SignOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = false;
  template <typename C> C operator()(C x) const { return x > C(0) ? C(1) : (x < C(0) ? static_cast<C>(-1) : C(0)); }
};
struct ReluOp {
  template <typename T> static constexpr bool kSupports = kIsSigned<T> && !std::is_same_v<T, bool>;
  static constexpr bool kBoolOutput = false;
  template <typename C> C operator()(C x) const { return x > C(0) ? x : C(0); }
};
struct NotOp {
  template <typename T> static constexpr bool kSupports = std::is_same_v<T, bool>;
  static constexpr bool kBoolOutput = true;
  bool operator()(bool x) const { return !x; }
};
struct ShrinkOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = false;
  double lambd = 0.5, bias = 0.0;
  template <typename C> C operator()(C x) const {
    double v = static_cast<double>(x);
    return static_cast<C>(v < -lambd ? v + bias : (v > lambd ? v - bias : 0.0));
  }
};

struct SqrtOp : FloatOnly { template <typename C> C operator()(C x) const { return std::sqrt(x); } };
struct ExpOp : FloatOnly { template <typename C> C operator()(C x) const { return std::exp(x); } };
struct LogOp : FloatOnly { template <typename C> C operator()(C x) const { return std::log(x); } };
/// erf. For float, the rational approximation of Eigen/TensorFlow (clamped to [-4, 4], error
/// around 1e-7): branch-free, so the loop vectorises (std::erf does not).
struct ErfOp : FloatOnly {
  /// Beyond +-limit erf is +-1 in float. A member rather than a literal: with a visible constant
  /// the compiler folds the clamped case into a branch and stops vectorising the loop.
  float limit = 4.0f;
  template <typename C> C operator()(C v) const {
    if constexpr (std::is_same_v<C, float>) {
      const float x = std::min(limit, std::max(-limit, v));
      const float x2 = x * x;
      float p = x2 * -2.72614225801306e-10f + 2.77068142495902e-08f;
      p = x2 * p + -2.10102402082508e-06f;
      p = x2 * p + -5.69250639462346e-05f;
      p = x2 * p + -7.34990630326855e-04f;
      p = x2 * p + -2.95459980854025e-03f;
      p = x2 * p + -1.60960333262415e-02f;
      float q = x2 * -1.45660718464996e-05f + -2.13374055278905e-04f;
      q = x2 * q + -1.68282697438203e-03f;
      q = x2 * q + -7.37332916720468e-03f;
      q = x2 * q + -1.42647390514189e-02f;
      return x * p / q;
    } else {
      return std::erf(v);
    }
  }
};
struct ReciprocalOp : FloatOnly { template <typename C> C operator()(C x) const { return C(1) / x; } };
struct FloorOp : FloatOnly { template <typename C> C operator()(C x) const { return std::floor(x); } };
struct CeilOp : FloatOnly { template <typename C> C operator()(C x) const { return std::ceil(x); } };
/// Round half to even (the current rounding mode).
struct RoundOp : FloatOnly { template <typename C> C operator()(C x) const { return std::nearbyint(x); } };
struct SinOp : FloatOnly { template <typename C> C operator()(C x) const { return std::sin(x); } };
struct CosOp : FloatOnly { template <typename C> C operator()(C x) const { return std::cos(x); } };
struct TanOp : FloatOnly { template <typename C> C operator()(C x) const { return std::tan(x); } };
struct AsinOp : FloatOnly { template <typename C> C operator()(C x) const { return std::asin(x); } };
struct AcosOp : FloatOnly { template <typename C> C operator()(C x) const { return std::acos(x); } };
struct AtanOp : FloatOnly { template <typename C> C operator()(C x) const { return std::atan(x); } };
struct SinhOp : FloatOnly { template <typename C> C operator()(C x) const { return std::sinh(x); } };
struct CoshOp : FloatOnly { template <typename C> C operator()(C x) const { return std::cosh(x); } };
struct AsinhOp : FloatOnly { template <typename C> C operator()(C x) const { return std::asinh(x); } };
struct AcoshOp : FloatOnly { template <typename C> C operator()(C x) const { return std::acosh(x); } };
struct AtanhOp : FloatOnly { template <typename C> C operator()(C x) const { return std::atanh(x); } };
struct TanhOp : FloatOnly { template <typename C> C operator()(C x) const { return std::tanh(x); } };
struct SigmoidOp : FloatOnly {
  template <typename C> C operator()(C x) const { return C(1) / (C(1) + std::exp(-x)); }
};
/// log(1 + exp(x)), written to stay finite for large x.
struct SoftplusOp : FloatOnly {
  template <typename C> C operator()(C x) const { return x > C(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
};
struct SoftsignOp : FloatOnly { template <typename C> C operator()(C x) const { return x / (C(1) + std::abs(x)); } };
struct LeakyReluOp : FloatOnly {
  float alpha = 0.01f;
  template <typename C> C operator()(C x) const { return x < C(0) ? x * static_cast<C>(alpha) : x; }
};
struct EluOp : FloatOnly {
  float alpha = 1.0f;
  template <typename C> C operator()(C x) const { return x < C(0) ? static_cast<C>(alpha) * (std::exp(x) - C(1)) : x; }
};
struct CeluOp : FloatOnly {
  float alpha = 1.0f;
  template <typename C> C operator()(C x) const {
    C a = static_cast<C>(alpha);
    return std::max(C(0), x) + std::min(C(0), a * (std::exp(x / a) - C(1)));
  }
};
struct SeluOp : FloatOnly {
  float alpha = 1.67326319217681884765625f, gamma = 1.05070102214813232421875f;
  template <typename C> C operator()(C x) const {
    C g = static_cast<C>(gamma);
    return x > C(0) ? g * x : g * (static_cast<C>(alpha) * std::exp(x) - static_cast<C>(alpha));
  }
};
struct ThresholdedReluOp : FloatOnly {
  float alpha = 1.0f;
  template <typename C> C operator()(C x) const { return x > static_cast<C>(alpha) ? x : C(0); }
};
struct HardSigmoidOp : FloatOnly {
  float alpha = 0.2f, beta = 0.5f;
  template <typename C> C operator()(C x) const {
    return std::max(C(0), std::min(C(1), static_cast<C>(alpha) * x + static_cast<C>(beta)));
  }
};
struct HardSwishOp : FloatOnly {
  template <typename C> C operator()(C x) const {
    return x * std::max(C(0), std::min(C(1), x * static_cast<C>(1.0 / 6.0) + static_cast<C>(0.5)));
  }
};
struct IsNaNOp {
  template <typename T> static constexpr bool kSupports = kIsFloat<T>;
  static constexpr bool kBoolOutput = true;
  template <typename C> bool operator()(C x) const { return std::isnan(x); }
};
struct IsInfOp {
  template <typename T> static constexpr bool kSupports = kIsFloat<T>;
  static constexpr bool kBoolOutput = true;
  bool negative = true, positive = true;
  template <typename C> bool operator()(C x) const { return std::isinf(x) && (x > 0 ? positive : negative); }
};

template <typename Op> std::unique_ptr<Kernel> create_unary(const KernelInit& init, Op op = Op{}) {
  if (auto deferred = defer_if_dynamic(init, {Op::kBoolOutput ? ir::DataType::kBool : dtypes_like_input(init, 0)[0]}, [op](const KernelInit& i) { return create_unary<Op>(i, op); })) return deferred;
  check_input_count(init, 1, 1);
  const TensorInfo& x = init.inputs[0];
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (Op::template kSupports<T>) {
      using TO = std::conditional_t<Op::kBoolOutput, bool, T>;
      return std::make_unique<UnaryKernel<T, TO, Op>>(op, x.dims);
    } else {
      return nullptr;
    }
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace

/// Abs: |x|.
std::unique_ptr<Kernel> create_abs_kernel(const KernelInit& init) { return create_unary<AbsOp>(init); }
/// Neg: -x.
std::unique_ptr<Kernel> create_neg_kernel(const KernelInit& init) { return create_unary<NegOp>(init); }
/// Sign: -1, 0 or 1.
std::unique_ptr<Kernel> create_sign_kernel(const KernelInit& init) { return create_unary<SignOp>(init); }
/// Relu: max(x, 0).
std::unique_ptr<Kernel> create_relu_kernel(const KernelInit& init) { return create_unary<ReluOp>(init); }
/// Not: logical negation.
std::unique_ptr<Kernel> create_not_kernel(const KernelInit& init) { return create_unary<NotOp>(init); }
/// Sqrt.
std::unique_ptr<Kernel> create_sqrt_kernel(const KernelInit& init) { return create_unary<SqrtOp>(init); }
/// Exp.
std::unique_ptr<Kernel> create_exp_kernel(const KernelInit& init) { return create_unary<ExpOp>(init); }
/// Log (natural).
std::unique_ptr<Kernel> create_log_kernel(const KernelInit& init) { return create_unary<LogOp>(init); }
/// Erf.
std::unique_ptr<Kernel> create_erf_kernel(const KernelInit& init) { return create_unary<ErfOp>(init); }
/// Reciprocal: 1 / x.
std::unique_ptr<Kernel> create_reciprocal_kernel(const KernelInit& init) { return create_unary<ReciprocalOp>(init); }
/// Floor.
std::unique_ptr<Kernel> create_floor_kernel(const KernelInit& init) { return create_unary<FloorOp>(init); }
/// Ceil.
std::unique_ptr<Kernel> create_ceil_kernel(const KernelInit& init) { return create_unary<CeilOp>(init); }
/// Round: half to even.
std::unique_ptr<Kernel> create_round_kernel(const KernelInit& init) { return create_unary<RoundOp>(init); }
/// Sin.
std::unique_ptr<Kernel> create_sin_kernel(const KernelInit& init) { return create_unary<SinOp>(init); }
/// Cos.
std::unique_ptr<Kernel> create_cos_kernel(const KernelInit& init) { return create_unary<CosOp>(init); }
/// Tan.
std::unique_ptr<Kernel> create_tan_kernel(const KernelInit& init) { return create_unary<TanOp>(init); }
/// Asin.
std::unique_ptr<Kernel> create_asin_kernel(const KernelInit& init) { return create_unary<AsinOp>(init); }
/// Acos.
std::unique_ptr<Kernel> create_acos_kernel(const KernelInit& init) { return create_unary<AcosOp>(init); }
/// Atan.
std::unique_ptr<Kernel> create_atan_kernel(const KernelInit& init) { return create_unary<AtanOp>(init); }
/// Sinh.
std::unique_ptr<Kernel> create_sinh_kernel(const KernelInit& init) { return create_unary<SinhOp>(init); }
/// Cosh.
std::unique_ptr<Kernel> create_cosh_kernel(const KernelInit& init) { return create_unary<CoshOp>(init); }
/// Asinh.
std::unique_ptr<Kernel> create_asinh_kernel(const KernelInit& init) { return create_unary<AsinhOp>(init); }
/// Acosh.
std::unique_ptr<Kernel> create_acosh_kernel(const KernelInit& init) { return create_unary<AcoshOp>(init); }
/// Atanh.
std::unique_ptr<Kernel> create_atanh_kernel(const KernelInit& init) { return create_unary<AtanhOp>(init); }
/// Tanh.
std::unique_ptr<Kernel> create_tanh_kernel(const KernelInit& init) { return create_unary<TanhOp>(init); }
/// Sigmoid: 1 / (1 + exp(-x)).
std::unique_ptr<Kernel> create_sigmoid_kernel(const KernelInit& init) { return create_unary<SigmoidOp>(init); }
/// Softplus: log(1 + exp(x)).
std::unique_ptr<Kernel> create_softplus_kernel(const KernelInit& init) { return create_unary<SoftplusOp>(init); }
/// Softsign: x / (1 + |x|).
std::unique_ptr<Kernel> create_softsign_kernel(const KernelInit& init) { return create_unary<SoftsignOp>(init); }
/// HardSwish: x * max(0, min(1, x / 6 + 1/2)).
std::unique_ptr<Kernel> create_hard_swish_kernel(const KernelInit& init) { return create_unary<HardSwishOp>(init); }
/// IsNaN.
std::unique_ptr<Kernel> create_is_nan_kernel(const KernelInit& init) { return create_unary<IsNaNOp>(init); }

/// LeakyRelu: x < 0 ? alpha * x : x (alpha = 0.01).
std::unique_ptr<Kernel> create_leaky_relu_kernel(const KernelInit& init) {
  LeakyReluOp op;
  op.alpha = init.node.attr_float("alpha", 0.01f);
  return create_unary(init, op);
}

/// Elu: x < 0 ? alpha * (exp(x) - 1) : x (alpha = 1).
std::unique_ptr<Kernel> create_elu_kernel(const KernelInit& init) {
  EluOp op;
  op.alpha = init.node.attr_float("alpha", 1.0f);
  return create_unary(init, op);
}

/// Celu: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
std::unique_ptr<Kernel> create_celu_kernel(const KernelInit& init) {
  CeluOp op;
  op.alpha = init.node.attr_float("alpha", 1.0f);
  if (op.alpha == 0.0f) throw_invalid(init, "alpha must not be 0");
  return create_unary(init, op);
}

/// Selu: gamma * (x > 0 ? x : alpha * exp(x) - alpha).
std::unique_ptr<Kernel> create_selu_kernel(const KernelInit& init) {
  SeluOp op;
  op.alpha = init.node.attr_float("alpha", op.alpha);
  op.gamma = init.node.attr_float("gamma", op.gamma);
  return create_unary(init, op);
}

/// ThresholdedRelu: x > alpha ? x : 0 (alpha = 1).
std::unique_ptr<Kernel> create_thresholded_relu_kernel(const KernelInit& init) {
  ThresholdedReluOp op;
  op.alpha = init.node.attr_float("alpha", 1.0f);
  return create_unary(init, op);
}

/// HardSigmoid: max(0, min(1, alpha * x + beta)) (alpha = 0.2, beta = 0.5).
std::unique_ptr<Kernel> create_hard_sigmoid_kernel(const KernelInit& init) {
  HardSigmoidOp op;
  op.alpha = init.node.attr_float("alpha", 0.2f);
  op.beta = init.node.attr_float("beta", 0.5f);
  return create_unary(init, op);
}

/// Shrink: x < -lambd ? x + bias : x > lambd ? x - bias : 0.
std::unique_ptr<Kernel> create_shrink_kernel(const KernelInit& init) {
  ShrinkOp op;
  op.lambd = init.node.attr_float("lambd", 0.5f);
  op.bias = init.node.attr_float("bias", 0.0f);
  return create_unary(init, op);
}

/// IsInf: true for infinities of the selected signs.
std::unique_ptr<Kernel> create_is_inf_kernel(const KernelInit& init) {
  IsInfOp op;
  op.negative = init.node.attr_int("detect_negative", 1) != 0;
  op.positive = init.node.attr_int("detect_positive", 1) != 0;
  return create_unary(init, op);
}

}  // namespace ramiel::runtime
