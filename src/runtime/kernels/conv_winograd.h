#pragma once
/// \file
/// ramiel's own Winograd convolutions for channel-blocked tensors: for 3x3 windows F(2x2, 3x3)
/// (2.25x fewer multiplications than a direct convolution), and on AVX-512 CPUs F(4x4, 3x3) (4x
/// fewer) on images above kWinogradSmallImage pixels, F(2x2, 5x5) for 5x5 windows (2.8x fewer), and along one axis F(2, 7) for 1x7
/// and 7x1 windows (1.75x fewer) and F(4, 3) for 1x3 and 3x1 ones (2x fewer), as in inception_v3.
/// AVX2 CPUs run them on nChw8c, AVX-512 ones on nChw16c (the session's layouts there). oneDNN 2.6
/// has Winograd only on AVX-512 CPUs and only for 3x3 windows (jit_wino_4x3, jit_fp32_wino_2x3);
/// ramiel's kernels take 0.6x-0.85x of their time on the zoo's 3x3 shapes at two threads
/// (conv_bench; level on squeezenet's 27x27), and also compute the few-channel ones on large
/// images that oneDNN's do slower than its direct convolution (inception_v3's 32->32 and 32->64
/// on 147x147). ONNX Runtime's MLAS has no Winograd. create_conv_kernel() (conv.cpp) tries this
/// first and falls back to oneDNN's convolutions.

#include <memory>

#include "runtime/kernel.h"

namespace ramiel::runtime {

/// A Winograd kernel for `init` when it can compute it: a float 2-D Conv with a constant 3x3, 5x5,
/// 1x7, 7x1, 1x3 or 3x1 weight, stride 1, dilation 1, one group, input and output in nChw8c on a
/// CPU with AVX2 and FMA or nChw16c on one with AVX-512F, channel counts whole blocks of the layout
/// and at least kWinogradMinChannels (and, but for 3x3 windows on AVX-512, not few of them on a
/// large image), and Winograd not turned off (init.threads > 1: tile blocks, or output slices for
/// the 1-D windows and for small images on AVX-512, on OpenMP threads, the same bits as on one); nullptr
/// otherwise (also for any malformed node: the oneDNN kernel reports those). Slices split output
/// channels by whole channel blocks, like the oneDNN kernel, and compute exactly the bits of the
/// same channels of the whole node.
std::unique_ptr<Kernel> create_winograd_conv_kernel(const KernelInit& init);

/// True when ramiel's Winograd kernels may compute `conv` (a Conv node) with a constant weight of
/// `weight_dims` on this CPU (AVX2 and FMA, or AVX-512F; whether Winograd is switched on is not
/// looked at), given channel-blocked activations: its window, stride, dilation, group and channel
/// counts qualify (the image size is not looked at either). A session weighs this
/// before it chooses a layout without channel blocks (threaded_activation_layout()).
bool winograd_may_compute(const ir::Node& conv, const ir::Dims& weight_dims);

/// Fewest input (and output) channels for which Winograd is used: below it the transforms cost
/// more than the multiplications they save.
inline constexpr int64_t kWinogradMinChannels = 16;

/// Below this product of input and output channels, Winograd is used only on images of at most
/// kWinogradLargeImage pixels (see conv_bench: measured, not derived).
inline constexpr int64_t kWinogradSmallProduct = 4096;
/// Pixels (H * W of the input) above which a convolution counts as large for kWinogradSmallProduct.
inline constexpr int64_t kWinogradLargeImage = 64 * 64;

/// Output pixels (H * W) up to which AVX-512 CPUs run 3x3 windows as F(2x2, 3x3) rather than
/// F(4x4, 3x3), and Winograd kernels (ramiel's, and oneDNN's jit_fp32_wino_2x3 in conv.cpp) split
/// output channels over threads rather than tiles (see conv_bench and session_variants_bench:
/// measured, not derived).
inline constexpr int64_t kWinogradSmallImage = 16 * 16;

/// Turns the Winograd path on or off for kernels created from now on (on unless the environment
/// variable RAMIEL_NO_WINOGRAD is set; tests and benchmarks compare both paths).
void set_winograd_enabled(bool enabled);

/// True when Winograd convolutions are switched on (ramiel's own on AVX2 CPUs, oneDNN's on AVX-512
/// ones: see conv.cpp).
bool winograd_enabled();

/// True when kernels created now may use ramiel's Winograd kernel (enabled and the CPU has AVX2 and
/// FMA, or AVX-512F).
bool winograd_available();

}  // namespace ramiel::runtime
