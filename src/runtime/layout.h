#pragma once
/// \file
/// Activation layout policy. The graph's view of every tensor is row-major (NCHW for images), but
/// oneDNN convolutions are much faster channels-last or channel-blocked (shared/README.md: plain
/// NCHW is 1.8-8.5x slower on AVX-512; on AVX2, nChw8c beats NHWC by up to 2x on some layers).
/// The session therefore keeps rank-4 activations in the layout oneDNN's convolution prefers on
/// this CPU (preferred_activation_layout()) between operators that can consume it, and converts
/// to plain only where an operator needs it (or for graph outputs). Operators fall in three roles:
///
/// - kAware: kernels that read TensorInfo::layout and honour KernelInit::output_layout (Conv, the
///   pools, BatchNormalization, LRN: the oneDNN kernels of runtime/kernels/).
/// - kPermutable: operators whose result is the same under a consistent rearrangement of the axes
///   of all their operands (elementwise ops, Concat/Split with their axis remapped, Pad with its
///   pads remapped). Their kernels never learn about layouts: the session hands them the physical
///   tensor as a plain one ([N,H,W,C] for NHWC, [N,C/b,H,W,b] for blocked) and remaps attributes.
/// - kPlainOnly: everything else; inputs are converted to plain first.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"
#include "runtime/kernel.h"

namespace ramiel::runtime {

/// How the session treats an operator with respect to layouts.
enum class LayoutRole {
  kPlainOnly,   ///< Needs plain inputs.
  kAware,       ///< Reads and writes non-plain layouts itself (input 0 and output 0 only).
  kPermutable,  ///< Works on the physical tensor seen as plain (attributes remapped).
};

/// Role of `op_type` (ai.onnx domain).
LayoutRole layout_role(std::string_view op_type);

/// "plain", "nhwc", "nChw8c", "nChw16c".
std::string_view to_string(Layout layout);

/// Channel counts up to this are an image's (RGB, RGBA): a Conv reading such a plain input keeps it
/// plain (blocked or NHWC convolutions of 3 channels fall back to slow reference code).
inline constexpr int64_t kImageChannels = 4;

/// Channel block of a blocked layout (8, 16), else 0.
int64_t channel_block(Layout layout);

/// True if a tensor of logical `dims` can be stored in `layout` without padding (plain always;
/// NHWC for rank 4; blocked for rank 4 with C a multiple of the block).
bool layout_valid(const ir::Dims& dims, Layout layout);

/// True if every layout valid for `dims` stores the same bytes as plain: not rank 4, or C == 1,
/// or H*W == 1 (then the session treats the tensor as plain).
bool layout_is_trivial(const ir::Dims& dims);

/// The layout an aware kernel should write for output `dims` when asked for `requested`: the
/// request if valid for the dims, else plain.
Layout choose_output_layout(const ir::Dims& dims, Layout requested);

/// Dims a permuted kernel sees for a rank-4 tensor of logical `dims` in `layout`: [N,H,W,C] for
/// NHWC, [N,C/b,H,W,b] for blocked ([N,1,H,W,1] when C == 1); `dims` for plain.
ir::Dims physical_dims(const ir::Dims& dims, Layout layout);

/// Inverse of physical_dims().
ir::Dims logical_dims(const ir::Dims& physical, Layout layout);

/// For each physical axis of a rank-4 tensor in `layout`, the logical axis it walks (-1 for the
/// inner channel block of a blocked layout).
std::vector<int> physical_axes(Layout layout);

/// Position among physical_dims() of logical axis `axis` (0..3) of a tensor in `layout`.
int64_t physical_axis(int64_t axis, Layout layout);

/// Element offset of logical index (n, c, h, w) in a rank-4 tensor of logical `dims` in `layout`.
int64_t layout_offset(const ir::Dims& dims, Layout layout, int64_t n, int64_t c, int64_t h, int64_t w);

/// Copies a tensor of logical `dims` and element size `element_bytes` from layout `from` to `to`.
void convert_layout(const void* src, void* dst, const ir::Dims& dims, size_t element_bytes, Layout from, Layout to);

/// Creates the kernel that converts a tensor of logical `dims` and `dtype` between layouts.
std::unique_ptr<Kernel> make_layout_conversion(ir::DataType dtype, const ir::Dims& dims, Layout from, Layout to);

/// The activation layout oneDNN's convolution picks on this CPU for format `any` (probed once with
/// a 64-channel 3x3 convolution): kNhwc on AVX-512 (brgconv), kNChw8c on AVX2.
Layout onednn_activation_layout();

/// The session's activation layout on this CPU: onednn_activation_layout(), but channel blocks
/// (kNChw16c) where oneDNN picks NHWC: its nChw16c kernels are as fast there, a convolution then
/// splits into slices by output channels (an NHWC channel slice is strided), and ramiel's Winograd
/// kernels need blocks.
Layout preferred_activation_layout();

/// The activation layout for a session that runs `graph` in serial order with several OpenMP
/// threads per kernel and no slices: where oneDNN picks NHWC and the graph has convolutions but
/// none that ramiel's Winograd kernels may compute (winograd_may_compute(): mobilenet_v2's 1x1 and
/// depthwise ones), NHWC, for which oneDNN has its brgconv_1x1 and brdgmm_dw kernels (mobilenet_v2
/// on two threads 2-5% faster than in nChw16c, session_variants_bench); preferred_activation_layout()
/// otherwise.
Layout threaded_activation_layout(const ir::Graph& graph);

}  // namespace ramiel::runtime
