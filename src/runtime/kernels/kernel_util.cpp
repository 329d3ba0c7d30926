#include "runtime/kernels/kernel_util.h"

#include <omp.h>

#include <algorithm>

namespace ramiel::runtime {

std::string describe(const ir::Node& node) { return node.op_type + " node '" + node.name + "'"; }

void throw_unsupported(const KernelInit& init, const std::string& what) {
  throw Error(ErrorKind::kUnsupported, describe(init.node) + ": " + what);
}

void throw_invalid(const KernelInit& init, const std::string& what) {
  throw Error(ErrorKind::kInvalidModel, describe(init.node) + ": " + what);
}

bool has_input(const KernelInit& init, size_t i) { return i < init.inputs.size() && !init.inputs[i].absent(); }

void check_input_count(const KernelInit& init, size_t min, size_t max) {
  size_t n = init.inputs.size();
  if (n < min || n > max) {
    throw_invalid(init, "expects " + (min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max)) +
                            " inputs, has " + std::to_string(n));
  }
  for (size_t i = 0; i < min; ++i) {
    if (init.inputs[i].absent()) throw_invalid(init, "required input " + std::to_string(i) + " is missing");
  }
}

int64_t normalize_axis(const KernelInit& init, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    throw_invalid(init, "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  }
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> normalize_axes(const KernelInit& init, const std::vector<int64_t>& axes, int64_t rank) {
  std::vector<int64_t> out;
  for (int64_t a : axes) {
    int64_t n = normalize_axis(init, a, rank);
    if (std::find(out.begin(), out.end(), n) != out.end()) throw_invalid(init, "axis " + std::to_string(a) + " is repeated");
    out.push_back(n);
  }
  return out;
}

std::vector<int64_t> read_int64s(const ir::Tensor& t) {
  std::vector<int64_t> v(static_cast<size_t>(t.size()));
  for (int64_t i = 0; i < t.size(); ++i) v[static_cast<size_t>(i)] = ir::element_as_int64(t, i);
  return v;
}

std::optional<std::vector<const ir::Tensor*>> constant_inputs(const KernelInit& init, const std::vector<size_t>& indices) {
  std::vector<const ir::Tensor*> out;
  for (size_t i : indices) {
    if (!has_input(init, i)) out.push_back(nullptr);
    else if (init.inputs[i].constant) out.push_back(init.inputs[i].constant);
    else return std::nullopt;
  }
  return out;
}

std::vector<const ir::Tensor*> run_inputs(std::span<const ir::Tensor> inputs, const std::vector<size_t>& indices) {
  std::vector<const ir::Tensor*> out;
  for (size_t i : indices) out.push_back(i < inputs.size() && inputs[i].raw() ? &inputs[i] : nullptr);
  return out;
}

void rethrow_for_node(const KernelInit& init, const Error& e) {
  if (e.kind() == ErrorKind::kUnsupported) throw_unsupported(init, e.what());
  throw_invalid(init, e.what());
}

void throw_bad_input(const std::string& what) { throw Error(ErrorKind::kInvalidArgument, what); }

namespace {

/// See defer_if_dynamic().
class DeferredKernel final : public Kernel {
 public:
  DeferredKernel(const KernelInit& init, const std::vector<ir::DataType>& output_dtypes, KernelCreator create)
      : node_(&init.node), opset_(init.opset), threads_(init.threads), infos_(init.inputs), create_(std::move(create)) {
    for (ir::DataType dtype : output_dtypes) {
      TensorInfo out{dtype, {}};
      out.dynamic = true;
      outputs_.push_back(out);
    }
    for (TensorInfo& info : infos_) info.dynamic = false;
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    bool same = kernel_ != nullptr;
    for (size_t i = 0; i < infos_.size() && i < inputs.size(); ++i) {
      if (infos_[i].absent()) continue;
      if (infos_[i].dims != inputs[i].dims()) {
        infos_[i].dims = inputs[i].dims();
        same = false;
      }
    }
    if (!same) {
      KernelInit init{*node_, infos_, opset_, threads_};
      kernel_ = create_(init);
    }
    const std::vector<TensorInfo>& infos = kernel_->output_infos();
    bool all_constant = true;
    for (size_t j = 0; j < outputs.size() && j < infos.size(); ++j) {
      if (infos[j].constant) {
        outputs[j] = infos[j].constant->clone();
      } else {
        all_constant = false;
        if (!infos[j].dynamic) outputs[j] = ir::Tensor(infos[j].dtype, infos[j].dims);
      }
    }
    if (!all_constant) kernel_->run(inputs, outputs);
  }

 private:
  const ir::Node* node_;
  int64_t opset_;
  int threads_;
  std::vector<TensorInfo> infos_;
  KernelCreator create_;
  std::unique_ptr<Kernel> kernel_;
};

}  // namespace

std::unique_ptr<Kernel> defer_if_dynamic(const KernelInit& init, const std::vector<ir::DataType>& output_dtypes,
                                         const KernelCreator& create) {
  bool dynamic = false;
  for (const TensorInfo& in : init.inputs) dynamic = dynamic || (!in.absent() && in.dynamic);
  if (!dynamic) return nullptr;
  return std::make_unique<DeferredKernel>(init, output_dtypes, create);
}

std::vector<ir::DataType> dtypes_like_input(const KernelInit& init, size_t i, size_t n) {
  return std::vector<ir::DataType>(n, i < init.inputs.size() ? init.inputs[i].dtype : ir::DataType::kUndefined);
}

std::string type_name(ir::DataType dtype) { return std::string(ir::to_string(dtype)); }

void throw_unsupported_type(const KernelInit& init, ir::DataType dtype, const std::string& which) {
  throw_unsupported(init, which + " has type " + type_name(dtype) + ", which is not supported");
}

float half_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400u) == 0);
      bits = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mant & 0x3ffu) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t float_to_half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t exp = (x >> 23) & 0xffu;
  uint32_t mant = x & 0x7fffffu;
  if (exp == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (mant ? 0x200u : 0u));
  int32_t e = static_cast<int32_t>(exp) - 127 + 15;
  if (e >= 31) return static_cast<uint16_t>(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000u;  // implicit bit
    uint32_t shift = static_cast<uint32_t>(14 - e);
    uint32_t half_mant = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (half_mant & 1u))) ++half_mant;
    return static_cast<uint16_t>(sign | half_mant);
  }
  uint32_t half = sign | (static_cast<uint32_t>(e) << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) ++half;  // may carry into the exponent: correct
  return static_cast<uint16_t>(half);
}

std::vector<int64_t> contiguous_strides(const ir::Dims& dims) {
  std::vector<int64_t> s(dims.size());
  int64_t acc = 1;
  for (size_t k = dims.size(); k-- > 0;) {
    s[k] = acc;
    acc *= dims[k];
  }
  return s;
}

ir::Dims broadcast_dims(const KernelInit& init, const ir::Dims& a, const ir::Dims& b) {
  size_t r = std::max(a.size(), b.size());
  ir::Dims out(r);
  for (size_t k = 0; k < r; ++k) {
    int64_t da = k + a.size() >= r ? a[k + a.size() - r] : 1;
    int64_t db = k + b.size() >= r ? b[k + b.size() - r] : 1;
    if (da != db && da != 1 && db != 1) {
      throw_invalid(init, "shapes " + ir::to_string(a) + " and " + ir::to_string(b) + " do not broadcast");
    }
    out[k] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> broadcast_strides(const ir::Dims& in, const ir::Dims& out) {
  std::vector<int64_t> s(out.size(), 0);
  std::vector<int64_t> cs = contiguous_strides(in);
  size_t pad = out.size() - in.size();
  for (size_t k = 0; k < in.size(); ++k) s[k + pad] = (in[k] == 1 && out[k + pad] != 1) ? 0 : cs[k];
  return s;
}

StridedCopy::StridedCopy(const ir::Dims& out_dims, const std::vector<int64_t>& src_strides, int64_t src_offset,
                         size_t elem_size)
    : offset_(src_offset), total_(ir::element_count(out_dims)), elem_size_(elem_size) {
  for (size_t k = 0; k < out_dims.size(); ++k) {
    if (out_dims[k] == 1) continue;
    if (!dims_.empty() && strides_.back() == src_strides[k] * out_dims[k]) {
      dims_.back() *= out_dims[k];
      strides_.back() = src_strides[k];
    } else {
      dims_.push_back(out_dims[k]);
      strides_.push_back(src_strides[k]);
    }
  }
  if (dims_.empty()) {
    dims_.push_back(1);
    strides_.push_back(1);
  }
  if (dims_.size() > kMaxLoopRank) throw Error(ErrorKind::kUnsupported, "strided copy of rank " + std::to_string(dims_.size()) + " is too high");
}

namespace {

// Copies rows [row_begin, row_end) of the copy (a row: `dims.back()` elements).
template <typename T>
void strided_rows(const std::byte* src, std::byte* dst, const std::vector<int64_t>& dims,
                  const std::vector<int64_t>& strides, int64_t offset, int64_t row_begin, int64_t row_end) {
  const T* s = reinterpret_cast<const T*>(src);
  T* d = reinterpret_cast<T*>(dst);
  const size_t r = dims.size();
  const int64_t inner = dims[r - 1];
  const int64_t is = strides[r - 1];
  std::array<int64_t, kMaxLoopRank> idx{};
  int64_t off = offset;
  for (size_t k = r - 1, rest = static_cast<size_t>(row_begin); k-- > 0;) {  // the first row's index
    idx[k] = static_cast<int64_t>(rest % static_cast<size_t>(dims[k]));
    rest /= static_cast<size_t>(dims[k]);
    off += idx[k] * strides[k];
  }
  for (int64_t row = row_begin; row < row_end; ++row) {
    const T* sp = s + off;
    T* dp = d + row * inner;
    if (is == 1) std::memcpy(dp, sp, static_cast<size_t>(inner) * sizeof(T));
    else if (is == 0) std::fill(dp, dp + inner, *sp);
    else for (int64_t j = 0; j < inner; ++j) dp[j] = sp[j * is];
    for (size_t k = r - 1; k-- > 0;) {
      if (++idx[k] < dims[k]) {
        off += strides[k];
        break;
      }
      off -= strides[k] * (dims[k] - 1);
      idx[k] = 0;
    }
  }
}

struct Bytes16 {
  std::byte b[16];
};

}  // namespace

void StridedCopy::run(const void* src, void* dst, int threads) const {
  if (total_ == 0) return;
  if (elem_size_ != 1 && elem_size_ != 2 && elem_size_ != 4 && elem_size_ != 8 && elem_size_ != 16) {
    throw Error(ErrorKind::kInternal, "strided copy of " + std::to_string(elem_size_) + "-byte elements");
  }
  auto s = static_cast<const std::byte*>(src);
  auto d = static_cast<std::byte*>(dst);
  const int64_t rows = total_ / dims_.back();
  const auto copy_rows = [&](int64_t begin, int64_t end) {
    switch (elem_size_) {
      case 1: strided_rows<uint8_t>(s, d, dims_, strides_, offset_, begin, end); break;
      case 2: strided_rows<uint16_t>(s, d, dims_, strides_, offset_, begin, end); break;
      case 4: strided_rows<uint32_t>(s, d, dims_, strides_, offset_, begin, end); break;
      case 8: strided_rows<uint64_t>(s, d, dims_, strides_, offset_, begin, end); break;
      case 16: strided_rows<Bytes16>(s, d, dims_, strides_, offset_, begin, end); break;
      default: break;  // refused above
    }
  };
  if (threads < 2 || total_ < kParallelCopyMinElements || rows < threads) {
    copy_rows(0, rows);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const auto [begin, end] = slice_range(rows, omp_get_thread_num(), omp_get_num_threads());
    copy_rows(begin, end);
  }
}

namespace {

class StridedCopyKernel final : public Kernel {
 public:
  StridedCopyKernel(ir::DataType dtype, const ir::Dims& in, std::optional<CopyPlan> plan, std::vector<size_t> data_inputs,
                    CopyPlanFn plan_fn, std::string label, int threads)
      : threads_(threads), in_(in), plan_(std::move(plan)), data_inputs_(std::move(data_inputs)), plan_fn_(std::move(plan_fn)), label_(std::move(label)) {
    TensorInfo out{dtype, plan_ ? plan_->dims : ir::Dims{}};
    out.dynamic = !plan_;
    outputs_.push_back(out);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (plan_) {
      plan_->copy.run(inputs[0].raw(), outputs[0].raw(), threads_);
      return;
    }
    std::vector<const ir::Tensor*> data = run_inputs(inputs, data_inputs_);
    CopyPlan plan = with_label(label_, [&] { return plan_fn_(in_, data); });
    outputs[0] = ir::Tensor(inputs[0].dtype(), plan.dims);
    plan.copy.run(inputs[0].raw(), outputs[0].raw());
  }

 private:
  int threads_;
  ir::Dims in_;
  std::optional<CopyPlan> plan_;
  std::vector<size_t> data_inputs_;
  CopyPlanFn plan_fn_;
  std::string label_;
};

}  // namespace

std::unique_ptr<Kernel> create_strided_copy_kernel(const KernelInit& init, std::vector<size_t> data_inputs, CopyPlanFn plan_fn) {
  const TensorInfo& x = init.inputs[0];
  if (element_size(x.dtype) == 0) throw_unsupported_type(init, x.dtype, "input 0");
  std::optional<CopyPlan> plan;
  if (auto data = constant_inputs(init, data_inputs)) {
    try {
      plan = plan_fn(x.dims, *data);
    } catch (const Error& e) {
      rethrow_for_node(init, e);
    }
  }
  return std::make_unique<StridedCopyKernel>(x.dtype, x.dims, std::move(plan), std::move(data_inputs), std::move(plan_fn),
                                             describe(init.node), init.threads);
}

void copy_if_distinct(const ir::Tensor& src, ir::Tensor& dst) {
  if (src.raw() == dst.raw() || dst.byte_size() == 0) return;
  std::memcpy(dst.raw(), src.raw(), std::min(src.byte_size(), dst.byte_size()));
}

}  // namespace ramiel::runtime
