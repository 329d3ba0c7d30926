/// \file
/// Binary elementwise operators with numpy multidirectional broadcasting: arithmetic (Add, Sub,
/// Mul, Div, Pow, Mod, PRelu, BitShift), comparisons (Equal, Less, Greater, LessOrEqual,
/// GreaterOrEqual) and logic (And, Or, Xor).

#include <cmath>
#include <type_traits>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

/// One prepared broadcast loop applying `Op` to each pair of elements.
template <typename TA, typename TB, typename TO, typename Op>
class BinaryKernel final : public Kernel {
 public:
  BinaryKernel(Op op, const ir::Dims& a, const ir::Dims& b, const ir::Dims& out)
      : op_(op), loop_({a, b}, out) {
    outputs_.push_back({dtype_of<TO>(), out});
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const TA* a = inputs[0].data<TA>();
    const TB* b = inputs[1].data<TB>();
    TO* o = outputs[0].data<TO>();
    const Op op = op_;
    auto f = [op](TA x, TB y) { return store_as<TO>(op(widen(x), widen(y))); };
    loop_.for_each([&](const std::array<int64_t, 2>& off, int64_t out_off, int64_t n, const std::array<int64_t, 2>& s) {
      binary_run(a + off[0], s[0], b + off[1], s[1], o + out_off, n, f);
    });
  }

 private:
  Op op_;
  BroadcastLoop<2> loop_;
};

// Each operator: `kSupports<T>` (element types it accepts), `kBoolOutput`, and operator() on compute types.

struct AddOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = false;
  template <typename C> auto operator()(C a, C b) const { return a + b; }
};
struct SubOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = false;
  template <typename C> auto operator()(C a, C b) const { return a - b; }
};
struct MulOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = false;
  template <typename C> auto operator()(C a, C b) const { return a * b; }
};
struct DivOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = false;
  template <typename C> C operator()(C a, C b) const {
    if constexpr (std::is_integral_v<C>) return b == 0 ? C(0) : static_cast<C>(a / b);  // no SIGFPE
    else return a / b;
  }
};
struct ModOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = false;
  bool fmod = false;  ///< true: sign of the dividend (C fmod); false: sign of the divisor (Python %).
  template <typename C> C operator()(C a, C b) const {
    if constexpr (std::is_integral_v<C>) {
      if (b == 0) return C(0);
      C r = static_cast<C>(a % b);
      if constexpr (std::is_signed_v<C>) {
        if (!fmod && r != 0 && ((r < 0) != (b < 0))) r = static_cast<C>(r + b);
      }
      return r;
    } else {
      C r = std::fmod(a, b);
      if (!fmod && r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    }
  }
};
struct PReluOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = false;
  template <typename C> C operator()(C x, C slope) const {
    return x < C(0) ? static_cast<C>(x * slope) : x;
  }
};
struct BitShiftOp {
  template <typename T> static constexpr bool kSupports = std::is_unsigned_v<T> && !std::is_same_v<T, bool>;
  static constexpr bool kBoolOutput = false;
  bool left = true;  ///< Shift direction.
  template <typename C> C operator()(C a, C b) const {
    if (b >= sizeof(C) * 8) return C(0);
    return left ? static_cast<C>(a << b) : static_cast<C>(a >> b);
  }
};
struct EqualOp {
  template <typename T> static constexpr bool kSupports = true;
  static constexpr bool kBoolOutput = true;
  template <typename C> bool operator()(C a, C b) const { return a == b; }
};
struct LessOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = true;
  template <typename C> bool operator()(C a, C b) const { return a < b; }
};
struct GreaterOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = true;
  template <typename C> bool operator()(C a, C b) const { return a > b; }
};
struct LessOrEqualOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = true;
  template <typename C> bool operator()(C a, C b) const { return a <= b; }
};
struct GreaterOrEqualOp {
  template <typename T> static constexpr bool kSupports = kIsNumeric<T>;
  static constexpr bool kBoolOutput = true;
  template <typename C> bool operator()(C a, C b) const { return a >= b; }
};
struct AndOp {
  template <typename T> static constexpr bool kSupports = std::is_same_v<T, bool>;
  static constexpr bool kBoolOutput = true;
  bool operator()(bool a, bool b) const { return a && b; }
};
struct OrOp {
  template <typename T> static constexpr bool kSupports = std::is_same_v<T, bool>;
  static constexpr bool kBoolOutput = true;
  bool operator()(bool a, bool b) const { return a || b; }
};
struct XorOp {
  template <typename T> static constexpr bool kSupports = std::is_same_v<T, bool>;
  static constexpr bool kBoolOutput = true;
  bool operator()(bool a, bool b) const { return a != b; }
};

/// Pow in double for mixed or integer types, in the base's float type otherwise; output has the base's type.
struct PowOp {
  template <typename C, typename D> auto operator()(C a, D b) const {
    if constexpr (std::is_same_v<C, D> && std::is_floating_point_v<C>) return std::pow(a, b);
    else return std::pow(static_cast<double>(a), static_cast<double>(b));
  }
};

/// Squares: Pow with a constant exponent of 2 (LayerNorm variance in exported transformers).
struct SquareOp {
  template <typename C, typename D> C operator()(C a, D) const { return static_cast<C>(a * a); }
};

template <typename Op> std::unique_ptr<Kernel> create_binary(const KernelInit& init, Op op = Op{}) {
  if (auto deferred = defer_if_dynamic(init, {Op::kBoolOutput ? ir::DataType::kBool : dtypes_like_input(init, 0)[0]}, [op](const KernelInit& i) { return create_binary<Op>(i, op); })) return deferred;
  check_input_count(init, 2, 2);
  const TensorInfo& a = init.inputs[0];
  const TensorInfo& b = init.inputs[1];
  if (a.dtype != b.dtype) {
    throw_invalid(init, "input types " + type_name(a.dtype) + " and " + type_name(b.dtype) + " differ");
  }
  ir::Dims out = broadcast_dims(init, a.dims, b.dims);
  auto kernel = visit_dtype(a.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (Op::template kSupports<T>) {
      using TO = std::conditional_t<Op::kBoolOutput, bool, T>;
      return std::make_unique<BinaryKernel<T, T, TO, Op>>(op, a.dims, b.dims, out);
    } else {
      return nullptr;
    }
  });
  if (!kernel) throw_unsupported_type(init, a.dtype, "input 0");
  return kernel;
}

template <typename T> constexpr bool kPowBase = kIsFloat<T> || std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>;

}  // namespace

/// Add: A + B.
std::unique_ptr<Kernel> create_add_kernel(const KernelInit& init) { return create_binary<AddOp>(init); }
/// Sub: A - B.
std::unique_ptr<Kernel> create_sub_kernel(const KernelInit& init) { return create_binary<SubOp>(init); }
/// Mul: A * B.
std::unique_ptr<Kernel> create_mul_kernel(const KernelInit& init) { return create_binary<MulOp>(init); }
/// Div: A / B (integer division truncates; division by zero gives 0 for integers).
std::unique_ptr<Kernel> create_div_kernel(const KernelInit& init) { return create_binary<DivOp>(init); }
/// Equal: A == B.
std::unique_ptr<Kernel> create_equal_kernel(const KernelInit& init) { return create_binary<EqualOp>(init); }
/// Less: A < B.
std::unique_ptr<Kernel> create_less_kernel(const KernelInit& init) { return create_binary<LessOp>(init); }
/// Greater: A > B.
std::unique_ptr<Kernel> create_greater_kernel(const KernelInit& init) { return create_binary<GreaterOp>(init); }
/// LessOrEqual: A <= B.
std::unique_ptr<Kernel> create_less_or_equal_kernel(const KernelInit& init) { return create_binary<LessOrEqualOp>(init); }
/// GreaterOrEqual: A >= B.
std::unique_ptr<Kernel> create_greater_or_equal_kernel(const KernelInit& init) { return create_binary<GreaterOrEqualOp>(init); }
/// And: logical and of bools.
std::unique_ptr<Kernel> create_and_kernel(const KernelInit& init) { return create_binary<AndOp>(init); }
/// Or: logical or of bools.
std::unique_ptr<Kernel> create_or_kernel(const KernelInit& init) { return create_binary<OrOp>(init); }
/// Xor: logical xor of bools.
std::unique_ptr<Kernel> create_xor_kernel(const KernelInit& init) { return create_binary<XorOp>(init); }
/// PRelu: X < 0 ? X * slope : X, slope broadcast to X.
std::unique_ptr<Kernel> create_prelu_kernel(const KernelInit& init) { return create_binary<PReluOp>(init); }

/// Mod: remainder with the sign of the divisor, or of the dividend when fmod = 1.
std::unique_ptr<Kernel> create_mod_kernel(const KernelInit& init) {
  int64_t fmod = init.node.attr_int("fmod", 0);
  if (fmod != 0 && fmod != 1) throw_invalid(init, "fmod must be 0 or 1, is " + std::to_string(fmod));
  ModOp op;
  op.fmod = fmod == 1;
  return create_binary<ModOp>(init, op);
}

/// BitShift: unsigned shift LEFT or RIGHT by B bits.
std::unique_ptr<Kernel> create_bit_shift_kernel(const KernelInit& init) {
  std::string direction = init.node.attr_string("direction", "");
  if (direction != "LEFT" && direction != "RIGHT") throw_invalid(init, "direction must be LEFT or RIGHT, is '" + direction + "'");
  BitShiftOp op;
  op.left = direction == "LEFT";
  return create_binary<BitShiftOp>(init, op);
}

/// Pow: A ^ B; A and B may have different numeric types, the output has A's type.
std::unique_ptr<Kernel> create_pow_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_pow_kernel)) return deferred;
  check_input_count(init, 2, 2);
  const TensorInfo& a = init.inputs[0];
  const TensorInfo& b = init.inputs[1];
  ir::Dims out = broadcast_dims(init, a.dims, b.dims);
  // A constant exponent of exactly 2 becomes a multiply.
  bool square = b.constant != nullptr && b.constant->size() == 1 &&
                b.dtype != ir::DataType::kBool && element_as<double>(*b.constant, 0) == 2.0;
  auto kernel = visit_dtype(a.dtype, std::unique_ptr<Kernel>{}, [&](auto ta) -> std::unique_ptr<Kernel> {
    using TA = typename decltype(ta)::type;
    if constexpr (kPowBase<TA>) {
      return visit_dtype(b.dtype, std::unique_ptr<Kernel>{}, [&](auto tb) -> std::unique_ptr<Kernel> {
        using TB = typename decltype(tb)::type;
        if constexpr (kIsNumeric<TB>) {
          if (square) return std::make_unique<BinaryKernel<TA, TB, TA, SquareOp>>(SquareOp{}, a.dims, b.dims, out);
          return std::make_unique<BinaryKernel<TA, TB, TA, PowOp>>(PowOp{}, a.dims, b.dims, out);
        } else {
          return nullptr;
        }
      });
    } else {
      return nullptr;
    }
  });
  if (!kernel) throw_unsupported(init, "input types " + type_name(a.dtype) + " ^ " + type_name(b.dtype) + " are not supported");
  return kernel;
}

}  // namespace ramiel::runtime
