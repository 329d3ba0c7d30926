/// \file
/// Pad: constant, reflect and edge modes, negative pads (cropping) included. Pads are an attribute
/// before opset 11 and an input after (dynamic when not constant). Each output dimension maps to an
/// input index or to "padding"; rows are copied with one memcpy for their in-range middle.

#include <algorithm>
#include <cstring>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

enum class PadMode { kConstant, kReflect, kEdge };

/// Per-dimension maps from output index to input index (-1: padding value).
struct PadPlan {
  ir::Dims out;
  std::vector<std::vector<int64_t>> map;
  int64_t copy_begin = 0, copy_end = 0;  ///< Output range of the last dim that is a plain shifted copy.
  int64_t shift = 0;                     ///< Input index = output index - shift in that range.
};

PadPlan pad_plan(const ir::Dims& in, const std::vector<int64_t>& pads, PadMode mode) {
  const size_t r = in.size();
  if (pads.size() != 2 * r) throw_bad_input("pads has " + std::to_string(pads.size()) + " entries for rank " + std::to_string(r));
  PadPlan p;
  p.out.resize(r);
  p.map.resize(r);
  for (size_t k = 0; k < r; ++k) {
    const int64_t d = in[k], before = pads[k], after = pads[k + r];
    const int64_t o = d + before + after;
    if (o < 0) throw_bad_input("pads remove more than the whole dimension");
    if (mode != PadMode::kConstant && d == 0 && o > 0) throw_bad_input("cannot reflect or edge-pad an empty dimension");
    p.out[k] = o;
    p.map[k].resize(static_cast<size_t>(o));
    for (int64_t j = 0; j < o; ++j) {
      int64_t s = j - before;
      if (s < 0 || s >= d) {
        if (mode == PadMode::kConstant) {
          s = -1;
        } else if (mode == PadMode::kEdge) {
          s = std::clamp<int64_t>(s, 0, d - 1);
        } else if (d == 1) {
          s = 0;
        } else {
          const int64_t period = 2 * (d - 1);
          s %= period;
          if (s < 0) s += period;
          if (s >= d) s = period - s;
        }
      }
      p.map[k][static_cast<size_t>(j)] = s;
    }
  }
  if (r > 0) {
    p.shift = pads[r - 1];
    p.copy_begin = std::clamp<int64_t>(pads[r - 1], 0, p.out[r - 1]);
    p.copy_end = std::clamp<int64_t>(pads[r - 1] + in[r - 1], p.copy_begin, p.out[r - 1]);
  }
  return p;
}

template <typename T>
class PadKernel final : public Kernel {
 public:
  PadKernel(const ir::Dims& in, std::optional<PadPlan> plan, PadMode mode, T value, size_t pads_input, size_t value_input,
            std::string label)
      : in_(in), in_strides_(contiguous_strides(in)), plan_(std::move(plan)), mode_(mode), value_(value), pads_input_(pads_input), value_input_(value_input),
        label_(std::move(label)) {
    TensorInfo out{dtype_of<T>(), plan_ ? plan_->out : ir::Dims{}};
    out.dynamic = !plan_;
    outputs_.push_back(out);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    T value = value_;
    if (value_input_ && inputs.size() > value_input_ && inputs[value_input_].raw() && inputs[value_input_].size() > 0) {
      value = inputs[value_input_].data<T>()[0];
    }
    if (plan_) {
      pad(*plan_, inputs[0].data<T>(), outputs[0].data<T>(), value);
      return;
    }
    std::vector<int64_t> pads = read_int64s(inputs[pads_input_]);
    PadPlan plan = with_label(label_, [&] { return pad_plan(in_, pads, mode_); });
    outputs[0] = ir::Tensor(dtype_of<T>(), plan.out);
    pad(plan, inputs[0].data<T>(), outputs[0].data<T>(), value);
  }

 private:
  void pad(const PadPlan& p, const T* x, T* y, T value) const {
    const int64_t total = ir::element_count(p.out);
    if (total == 0) return;
    const size_t r = p.out.size();
    if (r == 0) {
      y[0] = x[0];
      return;
    }
    const int64_t inner = p.out[r - 1];
    const std::vector<int64_t>& last = p.map[r - 1];
    std::array<int64_t, kMaxLoopRank> idx{};
    for (int64_t row = 0; row < total; row += inner) {
      T* yr = y + row;
      int64_t src = 0;
      bool fill = false;
      for (size_t k = 0; k + 1 < r; ++k) {
        int64_t s = p.map[k][static_cast<size_t>(idx[k])];
        if (s < 0) fill = true;
        src += s * in_strides_[k];
      }
      if (fill) {
        std::fill(yr, yr + inner, value);
      } else {
        const T* xr = x + src;
        for (int64_t j = 0; j < p.copy_begin; ++j) yr[j] = last[static_cast<size_t>(j)] < 0 ? value : xr[last[static_cast<size_t>(j)]];
        if (p.copy_end > p.copy_begin) {
          std::memcpy(yr + p.copy_begin, xr + (p.copy_begin - p.shift), static_cast<size_t>(p.copy_end - p.copy_begin) * sizeof(T));
        }
        for (int64_t j = p.copy_end; j < inner; ++j) yr[j] = last[static_cast<size_t>(j)] < 0 ? value : xr[last[static_cast<size_t>(j)]];
      }
      for (size_t k = r - 1; k-- > 0;) {
        if (++idx[k] < p.out[k]) break;
        idx[k] = 0;
      }
    }
  }

  ir::Dims in_;
  std::vector<int64_t> in_strides_;
  std::optional<PadPlan> plan_;
  PadMode mode_;
  T value_;
  size_t pads_input_, value_input_;
  std::string label_;
};

}  // namespace

/// Pad: output dim k is pads[k] + dims[k] + pads[k + rank].
std::unique_ptr<Kernel> create_pad_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_pad_kernel)) return deferred;
  const TensorInfo& x = init.inputs.empty() ? TensorInfo{} : init.inputs[0];
  std::string mode_name = init.node.attr_string("mode", "constant");
  PadMode mode;
  if (mode_name == "constant") mode = PadMode::kConstant;
  else if (mode_name == "reflect") mode = PadMode::kReflect;
  else if (mode_name == "edge") mode = PadMode::kEdge;
  else throw_unsupported(init, "mode '" + mode_name + "' is not supported");
  if (x.dims.size() > kMaxLoopRank) throw_unsupported(init, "rank above 16 is not supported");

  std::optional<std::vector<int64_t>> pads;
  double const_value = 0.0;
  size_t value_input = 0;
  if (init.opset < 11) {
    check_input_count(init, 1, 1);
    pads = init.node.attr_ints(init.opset < 2 ? "paddings" : "pads");
    const_value = init.node.attr_float("value", 0.0f);
  } else {
    check_input_count(init, 2, 4);
    if (has_input(init, 3)) throw_unsupported(init, "the axes input is not supported");
    if (init.inputs[1].constant) pads = read_int64s(*init.inputs[1].constant);
    if (has_input(init, 2)) {
      if (init.inputs[2].constant) {
        if (init.inputs[2].constant->size() > 0) const_value = element_as<double>(*init.inputs[2].constant, 0);
      } else {
        value_input = 2;
      }
    }
  }
  std::optional<PadPlan> plan;
  if (pads) {
    try {
      plan = pad_plan(x.dims, *pads, mode);
    } catch (const Error& e) {
      rethrow_for_node(init, e);
    }
  }
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    return std::make_unique<PadKernel<T>>(x.dims, plan, mode, convert<T>(const_value), 1, value_input, describe(init.node));
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
