#pragma once
/// \file
/// One node's slices run side by side on OpenMP threads: intra-operator threading for kernels whose
/// own threading scales poorly. oneDNN's Winograd convolution (jit_fp32_wino_2x3) splits a batch-1
/// problem over its tiles and barely gains from a second thread on 14x14 and 7x7 images, while two
/// output-channel slices of it, one per thread, halve the time and give the whole kernel's bits.

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/kernel.h"

namespace ramiel::runtime {

/// A kernel made of `slices` (KernelInit::slice 0..k-1 of one node, each on one thread), run on k
/// OpenMP threads at once, slice i on thread i. The slices write disjoint parts of the one output.
class ThreadSlicedKernel final : public Kernel {
 public:
  /// Takes the slices (at least one; all report the node's whole output).
  explicit ThreadSlicedKernel(std::vector<std::unique_ptr<Kernel>> slices);

  /// Runs every slice, each on its own OpenMP thread; rethrows the first slice's error.
  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override;

  /// The slices' implementation and how many run at once.
  std::string implementation() const override;

 private:
  std::vector<std::unique_ptr<Kernel>> slices_;
};

/// Creates the kernel of one slice (KernelInit::slice) of a node.
using SliceFactory = std::function<std::unique_ptr<Kernel>(const KernelInit& slice)>;

/// The kernel for `init` as `init.threads` one-thread slices from `factory` on OpenMP threads, or
/// nullptr when a slice is refused (kUnsupported, or nullptr from `factory`), `init` is one thread
/// or already a slice, or thread slices are switched off.
std::unique_ptr<Kernel> create_thread_sliced_kernel(const SliceFactory& factory, const KernelInit& init);

/// Switches thread slices on (the default) or off, process-wide, for benchmarks and tests: off,
/// every kernel runs its own threading. Read when kernels are created.
void set_thread_slices_enabled(bool enabled);
/// Whether thread slices are on.
bool thread_slices_enabled();

}  // namespace ramiel::runtime
