#include "runtime/kernels/thread_slices.h"

#include <omp.h>

#include <atomic>
#include <exception>

#include "ramiel/error.h"

namespace ramiel::runtime {
namespace {

std::atomic<bool>& thread_slices_switch() {
  static std::atomic<bool> enabled{true};
  return enabled;
}

}  // namespace

ThreadSlicedKernel::ThreadSlicedKernel(std::vector<std::unique_ptr<Kernel>> slices) : slices_(std::move(slices)) {
  if (slices_.empty()) throw Error(ErrorKind::kInternal, "a thread-sliced kernel needs at least one slice");
  outputs_ = slices_.front()->output_infos();
}

void ThreadSlicedKernel::run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) {
  const int count = static_cast<int>(slices_.size());
  std::exception_ptr error;  // an exception must not leave the parallel region
#pragma omp parallel num_threads(count)
  {
    const int i = omp_get_thread_num();
    // Fewer threads than asked (nested or capped OpenMP): every thread takes its share.
    for (int s = i; s < count; s += omp_get_num_threads()) {
      try {
        slices_[static_cast<size_t>(s)]->run(inputs, outputs);
      } catch (...) {
#pragma omp critical(ramiel_thread_slices_error)
        if (!error) error = std::current_exception();
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

std::string ThreadSlicedKernel::implementation() const {
  return slices_.front()->implementation() + " (" + std::to_string(slices_.size()) + " output slices on OpenMP threads)";
}

std::unique_ptr<Kernel> create_thread_sliced_kernel(const SliceFactory& factory, const KernelInit& init) {
  if (init.threads < 2 || !init.slice.whole() || !thread_slices_enabled()) return nullptr;
  std::vector<std::unique_ptr<Kernel>> slices;
  try {
    for (int k = 0; k < init.threads; ++k) {
      KernelInit part = init;
      part.threads = 1;
      part.slice = SliceSpec{k, init.threads};
      auto slice = factory(part);
      if (!slice) return nullptr;  // a factory that declines a slice (e.g. Winograd on too few channel blocks)
      slices.push_back(std::move(slice));
    }
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kUnsupported) throw;
    return nullptr;
  }
  return std::make_unique<ThreadSlicedKernel>(std::move(slices));
}

void set_thread_slices_enabled(bool enabled) { thread_slices_switch().store(enabled, std::memory_order_relaxed); }

bool thread_slices_enabled() { return thread_slices_switch().load(std::memory_order_relaxed); }

}  // namespace ramiel::runtime
