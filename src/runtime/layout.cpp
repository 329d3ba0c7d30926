#include "runtime/layout.h"

#include <array>
#include <cstring>

#include "ramiel/error.h"
#include "runtime/kernels/conv_winograd.h"
#include "runtime/kernels/dnnl_common.h"

namespace ramiel::runtime {
namespace {

// Layout-independent ops: the same result under a rearrangement applied to every operand's axes.
// (Broadcasting between rank-4 operands is preserved by a common rearrangement.)
constexpr std::string_view kPermutable[] = {
    "Abs",  "Acos",  "Add",  "And",    "Asin",     "Atan",    "BitShift", "Cast",       "Ceil",      "Clip",
    "Concat", "Cos", "Cosh", "Div",    "Dropout",  "Elu",     "Equal",    "Erf",        "Exp",       "Floor",
    "Gelu", "Greater", "GreaterOrEqual", "HardSigmoid", "HardSwish", "Identity", "LeakyRelu", "Less", "LessOrEqual",
    "Log",  "Max",   "Mean", "Min",    "Mish",     "Mul",     "Neg",      "Not",        "Or",        "Pad",
    "Pow",  "Reciprocal", "Relu", "Round", "Selu",  "Sigmoid", "Sign",     "Sin",        "Sinh",      "Softplus",
    "Softsign", "Split", "Sqrt", "Sub", "Sum",      "Tan",     "Tanh",     "Where",      "Xor"};
constexpr std::string_view kAware[] = {"AveragePool", "BatchNormalization", "Conv", "GlobalAveragePool",
                                       "GlobalMaxPool", "LRN", "MaxPool"};

}  // namespace

int64_t layout_offset(const ir::Dims& d, Layout layout, int64_t n, int64_t c, int64_t h, int64_t w) {
  const int64_t C = d[1], H = d[2], W = d[3];
  switch (layout) {
    case Layout::kPlain: return ((n * C + c) * H + h) * W + w;
    case Layout::kNhwc: return ((n * H + h) * W + w) * C + c;
    default: {
      const int64_t b = channel_block(layout);
      return ((((n * (C / b) + c / b) * H + h) * W + w) * b) + c % b;
    }
  }
}

namespace {

template <typename T>
void convert(const T* src, T* dst, const ir::Dims& d, Layout from, Layout to) {
  for (int64_t n = 0; n < d[0]; ++n)
    for (int64_t c = 0; c < d[1]; ++c)
      for (int64_t h = 0; h < d[2]; ++h)
        for (int64_t w = 0; w < d[3]; ++w) dst[layout_offset(d, to, n, c, h, w)] = src[layout_offset(d, from, n, c, h, w)];
}

// Converts between layouts: oneDNN's jit reorder for float32, a plain loop for other types.
class LayoutConversionKernel final : public Kernel {
 public:
  LayoutConversionKernel(ir::DataType dtype, const ir::Dims& dims, Layout from, Layout to)
      : dims_(dims), element_bytes_(ir::element_size(dtype)), from_(from), to_(to) {
    if (!layout_valid(dims, from) || !layout_valid(dims, to)) {
      throw Error(ErrorKind::kInternal, "layout conversion of " + ir::to_string(dims) + " from " +
                                            std::string(to_string(from)) + " to " + std::string(to_string(to)));
    }
    TensorInfo out;
    out.dtype = dtype;
    out.dims = dims;
    out.layout = to;
    outputs_.push_back(out);
    if (dtype == ir::DataType::kFloat32 && ir::element_count(dims) > 0) {
      stream_ = dnnl::stream(dnnl_util::engine());
      reorder_ = dnnl_util::BoundReorder(dnnl_util::md(dims, dtype, from), dnnl_util::md(dims, dtype, to), 1);
    }
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (reorder_.valid()) {
      reorder_.run(stream_, inputs[0].raw(), outputs[0].raw());
    } else {
      convert_layout(inputs[0].raw(), outputs[0].raw(), dims_, element_bytes_, from_, to_);
    }
  }

 private:
  ir::Dims dims_;
  size_t element_bytes_;
  Layout from_, to_;
  dnnl::stream stream_;
  dnnl_util::BoundReorder reorder_;
};

}  // namespace

LayoutRole layout_role(std::string_view op_type) {
  for (auto op : kAware)
    if (op == op_type) return LayoutRole::kAware;
  for (auto op : kPermutable)
    if (op == op_type) return LayoutRole::kPermutable;
  return LayoutRole::kPlainOnly;
}

std::string_view to_string(Layout layout) {
  switch (layout) {
    case Layout::kPlain: return "plain";
    case Layout::kNhwc: return "nhwc";
    case Layout::kNChw8c: return "nChw8c";
    case Layout::kNChw16c: return "nChw16c";
  }
  return "?";
}

int64_t channel_block(Layout layout) {
  return layout == Layout::kNChw8c ? 8 : layout == Layout::kNChw16c ? 16 : 0;
}

bool layout_valid(const ir::Dims& dims, Layout layout) {
  if (layout == Layout::kPlain) return true;
  if (dims.size() != 4) return false;
  const int64_t b = channel_block(layout);
  return b == 0 || dims[1] % b == 0;
}

bool layout_is_trivial(const ir::Dims& dims) { return dims.size() != 4 || dims[1] == 1 || dims[2] * dims[3] == 1; }

Layout choose_output_layout(const ir::Dims& dims, Layout requested) {
  return layout_valid(dims, requested) ? requested : Layout::kPlain;
}

ir::Dims physical_dims(const ir::Dims& dims, Layout layout) {
  if (layout == Layout::kPlain || dims.size() != 4) return dims;
  if (layout == Layout::kNhwc) return {dims[0], dims[2], dims[3], dims[1]};
  const int64_t b = dims[1] == 1 ? 1 : channel_block(layout);
  return {dims[0], dims[1] / b, dims[2], dims[3], b};
}

ir::Dims logical_dims(const ir::Dims& physical, Layout layout) {
  if (layout == Layout::kNhwc && physical.size() == 4) return {physical[0], physical[3], physical[1], physical[2]};
  if (channel_block(layout) != 0 && physical.size() == 5) {
    return {physical[0], physical[1] * physical[4], physical[2], physical[3]};
  }
  return physical;
}

std::vector<int> physical_axes(Layout layout) {
  switch (layout) {
    case Layout::kPlain: return {0, 1, 2, 3};
    case Layout::kNhwc: return {0, 2, 3, 1};
    default: return {0, 1, 2, 3, -1};
  }
}

int64_t physical_axis(int64_t axis, Layout layout) {
  std::vector<int> axes = physical_axes(layout);
  for (size_t p = 0; p < axes.size(); ++p)
    if (axes[p] == axis) return static_cast<int64_t>(p);
  throw Error(ErrorKind::kInternal, "no physical axis for logical axis " + std::to_string(axis));
}

void convert_layout(const void* src, void* dst, const ir::Dims& dims, size_t element_bytes, Layout from, Layout to) {
  const size_t bytes = static_cast<size_t>(ir::element_count(dims)) * element_bytes;
  if (from == to || layout_is_trivial(dims)) {
    if (bytes > 0) std::memcpy(dst, src, bytes);
    return;
  }
  switch (element_bytes) {
    case 1: convert(static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst), dims, from, to); break;
    case 2: convert(static_cast<const uint16_t*>(src), static_cast<uint16_t*>(dst), dims, from, to); break;
    case 4: convert(static_cast<const uint32_t*>(src), static_cast<uint32_t*>(dst), dims, from, to); break;
    case 8: convert(static_cast<const uint64_t*>(src), static_cast<uint64_t*>(dst), dims, from, to); break;
    default: throw Error(ErrorKind::kInternal, "layout conversion of " + std::to_string(element_bytes) + "-byte elements");
  }
}

std::unique_ptr<Kernel> make_layout_conversion(ir::DataType dtype, const ir::Dims& dims, Layout from, Layout to) {
  return std::make_unique<LayoutConversionKernel>(dtype, dims, from, to);
}

Layout onednn_activation_layout() {
  static const Layout picked = [] {
    try {
      dnnl_util::ThreadScope scope(1);
      using dnnl::memory;
      const memory::dims x = {1, 64, 28, 28}, w = {64, 64, 3, 3};
      memory::desc any_x(x, memory::data_type::f32, memory::format_tag::any);
      memory::desc any_w(w, memory::data_type::f32, memory::format_tag::any);
      dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, any_x,
                                        any_w, any_x, {1, 1}, {1, 1}, {1, 1});
      dnnl::convolution_forward::primitive_desc pd(d, dnnl_util::engine());
      const ir::Dims dims = {1, 64, 28, 28};
      for (Layout l : {Layout::kNhwc, Layout::kNChw8c, Layout::kNChw16c}) {
        if (pd.src_desc() == dnnl_util::md(dims, ir::DataType::kFloat32, l)) return l;
      }
    } catch (const dnnl::error&) {
    }
    return Layout::kNhwc;
  }();
  return picked;
}

Layout preferred_activation_layout() {
  // Where oneDNN picks NHWC (AVX-512: brgconv) its nChw16c kernels are as fast (shared/README.md:
  // 94.7 vs 95.4 ms of inception_v3's convolutions), and channel blocks are contiguous, so that
  // a convolution splits into slices by output channels (an NHWC channel slice is strided).
  const Layout picked = onednn_activation_layout();
  return picked == Layout::kNhwc ? Layout::kNChw16c : picked;
}

Layout threaded_activation_layout(const ir::Graph& graph) {
  const Layout blocked = preferred_activation_layout();
  if (onednn_activation_layout() != Layout::kNhwc) return blocked;
  bool convolutions = false;
  for (const ir::Node& n : graph.nodes()) {
    if (n.removed || n.op_type != "Conv" || n.inputs.size() < 2) continue;
    convolutions = true;
    const ir::Value& w = graph.value(n.inputs[1]);
    if (w.constant && winograd_may_compute(n, w.constant->dims())) return blocked;
  }
  return convolutions ? Layout::kNhwc : blocked;
}

}  // namespace ramiel::runtime
