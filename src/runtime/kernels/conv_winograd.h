#pragma once
/// \file
/// ramiel's own Winograd convolutions for channel-blocked tensors: F(2x2, 3x3) for 3x3 windows
/// (2.25x fewer multiplications than a direct convolution), F(2x2, 5x5) for 5x5 ones (2.8x fewer;
/// inception_v3's 48->64 on 35x35 0.44x-0.52x of oneDNN's direct convolution's time), and along
/// one axis F(2, 7) for 1x7 and
/// 7x1 windows (1.75x fewer) and F(4, 3) for 1x3 and 3x1 ones (2x fewer), as in inception_v3. On
/// AVX2 CPUs (nChw8c, the session's layout there) all; oneDNN 2.6 offers Winograd only on AVX-512
/// CPUs, and only for 3x3 windows, so on those (nChw16c) ramiel runs the 1-D ones, and 3x3 ones on
/// output images up to kWinogradSmallImage pixels, where oneDNN's jit_fp32_wino_2x3 loses to it
/// (googlenet 4a-4e, 5a, 5b: 0.10-0.24 ms against 0.11-0.36 on two threads; 96->208 on 14x14
/// 0.17 against 0.54 on one), and with few channels on a large image, where oneDNN's Winograd
/// is slower than its direct convolution and this kernel is not (inception_v3's 32->32 and
/// 32->64 on 147x147: 0.58x of the direct convolution's time); other 3x3 ones go to oneDNN's
/// jit_wino_4x3 or 2x3, faster there. On several threads the 1-D kernels and the 3x3 ones on small
/// AVX-512 images run one output-channel slice per thread. ONNX Runtime's MLAS has none.
/// create_conv_kernel() (conv.cpp) tries it first and falls back to oneDNN's convolutions.

#include <memory>

#include "runtime/kernel.h"

namespace ramiel::runtime {

/// A Winograd kernel for `init` when it can compute it: a float 2-D Conv with a constant 3x3, 5x5,
/// 1x7, 7x1, 1x3 or 3x1 weight, stride 1, dilation 1, one group, input and output in nChw8c on a CPU with
/// AVX2 and FMA (or nChw16c on AVX-512F: a 5x5 or 1-D window, or a 3x3 one on a small image or
/// with few channels), channel counts whole blocks of the layout and at least kWinogradMinChannels (and,
/// but for that AVX-512 3x3 case, not few of them on a large image), and Winograd not turned off
/// (init.threads > 1: tile blocks or output slices on OpenMP threads, the same bits as on one); nullptr
/// otherwise (also for any malformed node: the oneDNN kernel reports those). Slices split output
/// channels by whole channel blocks, like the oneDNN kernel, and compute exactly the bits of the
/// same channels of the whole node.
std::unique_ptr<Kernel> create_winograd_conv_kernel(const KernelInit& init);

/// Fewest input (and output) channels for which Winograd is used: below it the transforms cost
/// more than the multiplications they save.
inline constexpr int64_t kWinogradMinChannels = 16;

/// Below this product of input and output channels, Winograd is used only on images of at most
/// kWinogradLargeImage pixels (see conv_bench: measured, not derived).
inline constexpr int64_t kWinogradSmallProduct = 4096;
/// Pixels (H * W of the input) above which a convolution counts as large for kWinogradSmallProduct.
inline constexpr int64_t kWinogradLargeImage = 64 * 64;

/// Output pixels (H * W) up to which 3x3 convolutions on nChw16c (AVX-512) run on ramiel's
/// F(2x2, 3x3) rather than oneDNN's Winograd (see conv_bench: measured, not derived).
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
