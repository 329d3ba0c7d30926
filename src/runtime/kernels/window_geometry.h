#pragma once
/// \file
/// ONNX sliding-window geometry shared by Conv and the pools: attribute parsing (kernel_shape,
/// strides, dilations, pads, auto_pad, ceil_mode) and output sizes.

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace ramiel::runtime {

/// Resolved geometry of a sliding window over `spatial` dims.
struct WindowGeometry {
  std::vector<int64_t> kernel;     ///< Window extent per spatial dim.
  std::vector<int64_t> strides;    ///< Step per spatial dim.
  std::vector<int64_t> dilations;  ///< ONNX dilations (1 = dense).
  std::vector<int64_t> pad_begin;  ///< Padding before, after auto_pad resolution.
  std::vector<int64_t> pad_end;    ///< Padding after, as given or resolved (without ceil_mode overhang).
  std::vector<int64_t> output;     ///< Output size per spatial dim.
  /// Extra padding after pad_end that ceil_mode needs so the last window starts inside the input
  /// (oneDNN's padding_r = pad_end + overhang).
  std::vector<int64_t> overhang;
};

/// Resolves the window of `node` over `input_spatial` (the dims after N and C) with window extent
/// `kernel`. Reads strides, dilations, pads, auto_pad and (if `allow_ceil_mode`) ceil_mode.
/// Throws ramiel::Error(kInvalidModel) naming `node` for inconsistent attributes or an empty output.
WindowGeometry resolve_window(const ir::Node& node, const std::vector<int64_t>& input_spatial,
                              const std::vector<int64_t>& kernel, bool allow_ceil_mode);

}  // namespace ramiel::runtime
