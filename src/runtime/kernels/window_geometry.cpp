#include "runtime/kernels/window_geometry.h"

#include "ramiel/error.h"

namespace ramiel::runtime {
namespace {

[[noreturn]] void fail(const ir::Node& node, const std::string& what) {
  throw Error(ErrorKind::kInvalidModel, node.op_type + " '" + node.name + "': " + what);
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

WindowGeometry resolve_window(const ir::Node& node, const std::vector<int64_t>& input_spatial,
                              const std::vector<int64_t>& kernel, bool allow_ceil_mode) {
  const size_t n = input_spatial.size();
  WindowGeometry g;
  g.kernel = kernel;
  g.strides = node.attr_ints("strides", std::vector<int64_t>(n, 1));
  g.dilations = node.attr_ints("dilations", std::vector<int64_t>(n, 1));
  std::vector<int64_t> pads = node.attr_ints("pads", std::vector<int64_t>(2 * n, 0));
  const std::string auto_pad = node.attr_string("auto_pad", "NOTSET");
  const bool ceil_mode = allow_ceil_mode && node.attr_int("ceil_mode", 0) != 0;
  if (g.kernel.size() != n) fail(node, "kernel_shape has " + std::to_string(g.kernel.size()) + " dims, input has " + std::to_string(n) + " spatial dims");
  if (g.strides.size() != n) fail(node, "strides has " + std::to_string(g.strides.size()) + " values, expected " + std::to_string(n));
  if (g.dilations.size() != n) fail(node, "dilations has " + std::to_string(g.dilations.size()) + " values, expected " + std::to_string(n));
  if (pads.size() != 2 * n) fail(node, "pads has " + std::to_string(pads.size()) + " values, expected " + std::to_string(2 * n));
  g.pad_begin.assign(pads.begin(), pads.begin() + static_cast<std::ptrdiff_t>(n));
  g.pad_end.assign(pads.begin() + static_cast<std::ptrdiff_t>(n), pads.end());
  g.output.assign(n, 0);
  g.overhang.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const int64_t k = g.kernel[i], s = g.strides[i], d = g.dilations[i], in = input_spatial[i];
    if (k < 1 || s < 1 || d < 1) fail(node, "kernel, strides and dilations must be >= 1");
    if (g.pad_begin[i] < 0 || g.pad_end[i] < 0) fail(node, "negative pads are not supported");
    const int64_t extent = (k - 1) * d + 1;
    if (auto_pad == "NOTSET") {
      int64_t span = in + g.pad_begin[i] + g.pad_end[i] - extent;
      if (span < 0) fail(node, "window is larger than the padded input");
      if (ceil_mode) {
        int64_t out = ceil_div(span, s) + 1;
        // PyTorch/ONNX rule: the last window must start inside the input or the begin padding.
        if ((out - 1) * s >= in + g.pad_begin[i]) --out;
        g.output[i] = out;
        g.overhang[i] = std::max<int64_t>(0, (out - 1) * s + extent - (in + g.pad_begin[i] + g.pad_end[i]));
      } else {
        g.output[i] = span / s + 1;
      }
    } else if (auto_pad == "VALID") {
      g.pad_begin[i] = g.pad_end[i] = 0;
      if (in < extent) fail(node, "window is larger than the input");
      g.output[i] = (in - extent) / s + 1;
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      g.output[i] = ceil_div(in, s);
      int64_t total = std::max<int64_t>(0, (g.output[i] - 1) * s + extent - in);
      int64_t small = total / 2, large = total - small;
      g.pad_begin[i] = auto_pad == "SAME_UPPER" ? small : large;
      g.pad_end[i] = total - g.pad_begin[i];
    } else {
      fail(node, "unknown auto_pad '" + auto_pad + "'");
    }
    if (g.output[i] < 1) fail(node, "output would be empty");
  }
  return g;
}

}  // namespace ramiel::runtime
