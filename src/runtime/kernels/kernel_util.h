#pragma once
/// \file
/// Helpers shared by the kernels of this folder: error messages, input and axis handling, element
/// type dispatch, float16/bfloat16 conversion, broadcast loops and strided copies.

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "ir/tensor.h"
#include "ramiel/error.h"
#include "runtime/kernel.h"

namespace ramiel::runtime {

// ---------------------------------------------------------------------------------------------
// Errors and inputs
// ---------------------------------------------------------------------------------------------

/// "Add node 'name'": how every kernel message names its node.
std::string describe(const ir::Node& node);

/// Throws Error(kUnsupported, "<op> node '<name>': <what>").
[[noreturn]] void throw_unsupported(const KernelInit& init, const std::string& what);

/// Throws Error(kInvalidModel, "<op> node '<name>': <what>").
[[noreturn]] void throw_invalid(const KernelInit& init, const std::string& what);

/// True if input `i` exists and is not an omitted optional input.
bool has_input(const KernelInit& init, size_t i);

/// Throws kInvalidModel unless the node has between `min` and `max` inputs (omitted ones count).
void check_input_count(const KernelInit& init, size_t min, size_t max);

/// Maps `axis` in [-rank, rank) to [0, rank); throws kInvalidModel outside.
int64_t normalize_axis(const KernelInit& init, int64_t axis, int64_t rank);

/// Normalises a list of axes; throws kInvalidModel on out-of-range or repeated axes.
std::vector<int64_t> normalize_axes(const KernelInit& init, const std::vector<int64_t>& axes, int64_t rank);

/// Every element of an integer (or bool) tensor as int64.
std::vector<int64_t> read_int64s(const ir::Tensor& t);

/// The tensors of inputs `indices` when each is constant or absent (nullptr), else nullopt: a
/// kernel whose dims depend on them is dynamic exactly when this returns nullopt.
std::optional<std::vector<const ir::Tensor*>> constant_inputs(const KernelInit& init, const std::vector<size_t>& indices);

/// The tensors of inputs `indices` at run time (nullptr for an omitted input).
std::vector<const ir::Tensor*> run_inputs(std::span<const ir::Tensor> inputs, const std::vector<size_t>& indices);

/// Re-throws an Error raised while preparing from constant inputs as kInvalidModel naming the node;
/// kUnsupported errors keep their kind.
[[noreturn]] void rethrow_for_node(const KernelInit& init, const Error& e);

/// A bad value in an input (index out of range, shape data that does not fit): kInvalidArgument.
[[noreturn]] void throw_bad_input(const std::string& what);

/// Runs `f()`, prefixing the message of any Error it throws with `label` (a node's describe()).
template <typename F> auto with_label(const std::string& label, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    throw Error(e.kind(), label + ": " + e.what());
  }
}

/// Creates a kernel; used to re-create a node's kernel once the dims of its inputs are known.
using KernelCreator = std::function<std::unique_ptr<Kernel>(const KernelInit& init)>;

/// For a node with a dynamically shaped input (TensorInfo::dynamic: its dims are known only at
/// run time), a kernel whose outputs (of `output_dtypes`) are all dynamic and which, on each run,
/// creates the node's real kernel with `create` from the actual input dims (re-using it while the
/// dims stay the same). Returns nullptr when no input is dynamic. `init.node` must outlive it.
std::unique_ptr<Kernel> defer_if_dynamic(const KernelInit& init, const std::vector<ir::DataType>& output_dtypes,
                                         const KernelCreator& create);

/// Input `i`'s dtype repeated `n` times (the output dtypes of most kernels).
std::vector<ir::DataType> dtypes_like_input(const KernelInit& init, size_t i, size_t n = 1);

/// "float" / "int64" ... for messages.
std::string type_name(ir::DataType dtype);

/// Throws kUnsupported "input N has type T, which is not supported".
[[noreturn]] void throw_unsupported_type(const KernelInit& init, ir::DataType dtype, const std::string& which);

// ---------------------------------------------------------------------------------------------
// Element types
// ---------------------------------------------------------------------------------------------

/// IEEE half-precision storage (computed on as float).
struct Float16 {
  uint16_t bits;  ///< Raw IEEE binary16 bits.
};
/// bfloat16 storage (computed on as float).
struct BFloat16 {
  uint16_t bits;  ///< Upper 16 bits of a float32.
};

/// binary16 -> float (exact).
float half_to_float(uint16_t h);
/// float -> binary16 with round-to-nearest-even, overflow to infinity, NaN kept.
uint16_t float_to_half(float f);
/// bfloat16 -> float (exact).
inline float bfloat16_to_float(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
/// float -> bfloat16 by truncation, as ONNX 1.12's Cast reference does (NaN stays NaN).
inline uint16_t float_to_bfloat16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (std::isnan(f)) return static_cast<uint16_t>((bits >> 16) | 0x40u);
  return static_cast<uint16_t>(bits >> 16);
}

/// True for float, double, Float16 and BFloat16.
template <typename T>
inline constexpr bool kIsFloat = std::is_floating_point_v<T> || std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>;
/// True for the signed and unsigned integer element types (bool excluded).
template <typename T>
inline constexpr bool kIsInteger = std::is_integral_v<T> && !std::is_same_v<T, bool>;
/// True for the numeric element types (every type but bool).
template <typename T>
inline constexpr bool kIsNumeric = kIsFloat<T> || kIsInteger<T>;
/// True for signed integers and floats (types with a negation).
template <typename T>
inline constexpr bool kIsSigned = kIsFloat<T> || std::is_signed_v<T>;

/// The type arithmetic on T happens in: float for the 16-bit floats, T otherwise.
template <typename T> struct ComputeType { using type = T; };
/// Half-precision values are computed as float.
template <> struct ComputeType<Float16> { using type = float; };
/// bfloat16 values are computed as float.
template <> struct ComputeType<BFloat16> { using type = float; };
/// Shorthand for ComputeType<T>::type.
template <typename T> using compute_t = typename ComputeType<T>::type;

/// Loads an element as its compute type.
template <typename T> inline compute_t<T> widen(T v) {
  if constexpr (std::is_same_v<T, Float16>) return half_to_float(v.bits);
  else if constexpr (std::is_same_v<T, BFloat16>) return bfloat16_to_float(v.bits);
  else return v;
}
/// Stores a compute-type value as T.
template <typename T> inline T narrow(compute_t<T> v) {
  if constexpr (std::is_same_v<T, Float16>) return Float16{float_to_half(v)};
  else if constexpr (std::is_same_v<T, BFloat16>) return BFloat16{float_to_bfloat16(v)};
  else return v;
}

/// Converts one element between any two element types (Cast semantics: to bool is `!= 0`).
template <typename To, typename From> inline To convert(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<From, Float16> || std::is_same_v<From, BFloat16>) {
    return convert<To>(widen(v));
  } else if constexpr (std::is_same_v<To, Float16>) {
    return Float16{float_to_half(static_cast<float>(v))};
  } else if constexpr (std::is_same_v<To, BFloat16>) {
    return BFloat16{float_to_bfloat16(static_cast<float>(v))};
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else {
    return static_cast<To>(v);
  }
}

/// Carries a type through a generic lambda: `[&](auto tag) { using T = typename decltype(tag)::type; }`.
template <typename T> struct TypeTag {
  using type = T;  ///< The carried type.
};

/// Calls `f(TypeTag<T>{})` with T the C++ type of `dtype` (float, double, Float16, BFloat16, int8..
/// int64, uint8..uint64, bool); returns `fallback` for types without one (string, complex, undefined).
template <typename R, typename F> R visit_dtype(ir::DataType dtype, R fallback, F&& f) {
  using D = ir::DataType;
  switch (dtype) {
    case D::kFloat32: return f(TypeTag<float>{});
    case D::kFloat64: return f(TypeTag<double>{});
    case D::kFloat16: return f(TypeTag<Float16>{});
    case D::kBFloat16: return f(TypeTag<BFloat16>{});
    case D::kInt8: return f(TypeTag<int8_t>{});
    case D::kInt16: return f(TypeTag<int16_t>{});
    case D::kInt32: return f(TypeTag<int32_t>{});
    case D::kInt64: return f(TypeTag<int64_t>{});
    case D::kUint8: return f(TypeTag<uint8_t>{});
    case D::kUint16: return f(TypeTag<uint16_t>{});
    case D::kUint32: return f(TypeTag<uint32_t>{});
    case D::kUint64: return f(TypeTag<uint64_t>{});
    case D::kBool: return f(TypeTag<bool>{});
    default: return fallback;
  }
}

/// The DataType of the C++ element type T.
template <typename T> constexpr ir::DataType dtype_of() {
  using D = ir::DataType;
  if constexpr (std::is_same_v<T, float>) return D::kFloat32;
  else if constexpr (std::is_same_v<T, double>) return D::kFloat64;
  else if constexpr (std::is_same_v<T, Float16>) return D::kFloat16;
  else if constexpr (std::is_same_v<T, BFloat16>) return D::kBFloat16;
  else if constexpr (std::is_same_v<T, int8_t>) return D::kInt8;
  else if constexpr (std::is_same_v<T, int16_t>) return D::kInt16;
  else if constexpr (std::is_same_v<T, int32_t>) return D::kInt32;
  else if constexpr (std::is_same_v<T, int64_t>) return D::kInt64;
  else if constexpr (std::is_same_v<T, uint8_t>) return D::kUint8;
  else if constexpr (std::is_same_v<T, uint16_t>) return D::kUint16;
  else if constexpr (std::is_same_v<T, uint32_t>) return D::kUint32;
  else if constexpr (std::is_same_v<T, uint64_t>) return D::kUint64;
  else if constexpr (std::is_same_v<T, bool>) return D::kBool;
  else return D::kUndefined;
}

/// Reads element `i` of `t` (any numeric or bool type) converted to T.
template <typename T> T element_as(const ir::Tensor& t, int64_t i) {
  return visit_dtype(t.dtype(), T{}, [&](auto tag) -> T {
    using S = typename decltype(tag)::type;
    return convert<T>(t.data<S>()[i]);
  });
}

// ---------------------------------------------------------------------------------------------
// Shapes, broadcasting and strided copies
// ---------------------------------------------------------------------------------------------

/// Most dimensions a prepared loop handles after merging contiguous dimensions.
inline constexpr size_t kMaxLoopRank = 16;

/// Row-major strides, in elements, of a contiguous tensor with `dims`.
std::vector<int64_t> contiguous_strides(const ir::Dims& dims);

/// Numpy-style multidirectional broadcast of `a` and `b`; throws kInvalidModel if incompatible.
ir::Dims broadcast_dims(const KernelInit& init, const ir::Dims& a, const ir::Dims& b);

/// Strides (elements) of a contiguous tensor with `in` dims when broadcast to `out` dims: 0 along
/// broadcast dimensions; `in` is right-aligned against `out`.
std::vector<int64_t> broadcast_strides(const ir::Dims& in, const ir::Dims& out);

/// An N-input elementwise loop over a contiguous output, prepared once: dimensions where every
/// operand is contiguous are merged, so the common cases become one long inner loop.
template <size_t N> class BroadcastLoop {
 public:
  /// Prepares the loop for inputs of `in` dims broadcast to `out`.
  BroadcastLoop(const std::array<ir::Dims, N>& in, const ir::Dims& out) {
    std::array<std::vector<int64_t>, N> strides;
    for (size_t n = 0; n < N; ++n) strides[n] = broadcast_strides(in[n], out);
    total_ = ir::element_count(out);
    // Keep only dims > 1, then merge neighbours that are contiguous for every operand.
    for (size_t k = 0; k < out.size(); ++k) {
      if (out[k] == 1) continue;
      bool merge = !dims_.empty();
      for (size_t n = 0; n < N && merge; ++n) merge = strides_[n].back() == strides[n][k] * out[k];
      if (merge) {
        dims_.back() *= out[k];
        for (size_t n = 0; n < N; ++n) strides_[n].back() = strides[n][k];
      } else {
        dims_.push_back(out[k]);
        for (size_t n = 0; n < N; ++n) strides_[n].push_back(strides[n][k]);
      }
    }
    if (dims_.empty()) {
      dims_.push_back(1);
      for (size_t n = 0; n < N; ++n) strides_[n].push_back(1);
    }
    if (dims_.size() > kMaxLoopRank) {
      throw Error(ErrorKind::kUnsupported, "broadcast of rank " + std::to_string(dims_.size()) + " is too high");
    }
  }

  /// True if every operand has exactly the output's layout (one flat loop).
  bool flat() const {
    if (dims_.size() != 1) return false;
    for (size_t n = 0; n < N; ++n)
      if (strides_[n][0] != 1) return false;
    return true;
  }

  /// Calls `f(offsets, out_offset, count, inner_strides)` for each inner run: element j of the run
  /// reads input n at offsets[n] + j * inner_strides[n] (inner stride 0 or 1, or other for views)
  /// and writes output element out_offset + j.
  template <typename F> void for_each(F&& f) const {
    if (total_ == 0) return;
    const size_t r = dims_.size();
    const int64_t inner = dims_[r - 1];
    std::array<int64_t, N> inner_strides;
    for (size_t n = 0; n < N; ++n) inner_strides[n] = strides_[n][r - 1];
    std::array<int64_t, N> off{};
    std::array<int64_t, kMaxLoopRank> idx{};
    const int64_t outer = total_ / inner;
    for (int64_t o = 0; o < outer; ++o) {
      f(off, o * inner, inner, inner_strides);
      for (size_t k = r - 1; k-- > 0;) {
        if (++idx[k] < dims_[k]) {
          for (size_t n = 0; n < N; ++n) off[n] += strides_[n][k];
          break;
        }
        for (size_t n = 0; n < N; ++n) off[n] -= strides_[n][k] * (dims_[k] - 1);
        idx[k] = 0;
      }
    }
  }

 private:
  std::vector<int64_t> dims_;
  std::array<std::vector<int64_t>, N> strides_;
  int64_t total_ = 0;
};

/// Runs `o[j] = f(a[j * sa], b[j * sb])` for j < n, with loops the compiler vectorises for the
/// unit and zero strides that BroadcastLoop produces.
template <typename TA, typename TB, typename TO, typename F>
inline void binary_run(const TA* a, int64_t sa, const TB* b, int64_t sb, TO* o, int64_t n, const F& f) {
  if (sa == 1 && sb == 1) {
    for (int64_t j = 0; j < n; ++j) o[j] = f(a[j], b[j]);
  } else if (sa == 1 && sb == 0) {
    const TB bv = b[0];
    for (int64_t j = 0; j < n; ++j) o[j] = f(a[j], bv);
  } else if (sa == 0 && sb == 1) {
    const TA av = a[0];
    for (int64_t j = 0; j < n; ++j) o[j] = f(av, b[j]);
  } else {
    for (int64_t j = 0; j < n; ++j) o[j] = f(a[j * sa], b[j * sb]);
  }
}

/// Stores a computed value as element type TO (rounding to the 16-bit floats, casting otherwise).
template <typename TO, typename V> inline TO store_as(V v) {
  if constexpr (std::is_same_v<TO, Float16> || std::is_same_v<TO, BFloat16>) return narrow<TO>(static_cast<float>(v));
  else return static_cast<TO>(v);
}

/// Strided copies from this many elements split over the threads they are given (BERT's head transposes).
inline constexpr int64_t kParallelCopyMinElements = int64_t{1} << 16;

/// Copies a strided view of a source (element strides may be 0 or negative) into a contiguous
/// destination; prepared once. Transpose, Slice, Expand and Tile are all this copy.
class StridedCopy {
 public:
  /// An empty copy (no elements).
  StridedCopy() = default;
  /// Prepares the copy of `out_dims` elements of `elem_size` bytes; source element (i0, i1, ...)
  /// is at `src_offset + sum(i_k * src_strides[k])`.
  StridedCopy(const ir::Dims& out_dims, const std::vector<int64_t>& src_strides, int64_t src_offset, size_t elem_size);
  /// Runs the copy; on `threads` OpenMP threads (bands of rows) when it is large.
  void run(const void* src, void* dst, int threads = 1) const;

 private:
  std::vector<int64_t> dims_;
  std::vector<int64_t> strides_;
  int64_t offset_ = 0;
  int64_t total_ = 0;
  size_t elem_size_ = 0;
};

/// The output dims and copy of a kernel whose output is a strided view of input 0.
struct CopyPlan {
  ir::Dims dims;     ///< Output dims.
  StridedCopy copy;  ///< How output elements are read from input 0.
};

/// Makes a CopyPlan from input 0's dims and the tensors of the kernel's data inputs.
using CopyPlanFn = std::function<CopyPlan(const ir::Dims& in, std::span<const ir::Tensor* const> data)>;

/// A kernel that copies a strided view of input 0 (Transpose, Slice, Expand, Tile). The plan is
/// made at creation when every input in `data_inputs` is constant or absent, else on each run
/// (the output is then dynamic).
std::unique_ptr<Kernel> create_strided_copy_kernel(const KernelInit& init, std::vector<size_t> data_inputs, CopyPlanFn plan);

/// Copies `src` into `dst` unless they already share storage (for view kernels called un-aliased).
void copy_if_distinct(const ir::Tensor& src, ir::Tensor& dst);

}  // namespace ramiel::runtime
