#pragma once
/// \file
/// Shared plumbing for the oneDNN kernels: the CPU engine, memory descriptors for ramiel tensors,
/// OpenMP thread pinning, and BoundPrimitive, a primitive whose memory objects and argument list
/// are built once so that running it only swaps data pointers.
///
/// Threading contract (libdnnl 2.6, OpenMP runtime): a primitive takes its thread count from the
/// creating thread's omp_get_max_threads() and uses OpenMP when executed. Kernels therefore create
/// primitives inside a ThreadScope(init.threads) and BoundPrimitive::execute() pins the executing
/// thread to the same count. Every primitive uses a user-mode scratchpad owned by its
/// BoundPrimitive, so it may run on any thread (never on two at once).

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "runtime/kernel.h"

namespace ramiel::runtime::dnnl_util {

/// The process-wide CPU engine (immutable after first use; creation is thread-safe).
const dnnl::engine& engine();

/// True when oneDNN runs its AVX-512 kernels on this CPU (at least avx512_core, and not capped
/// lower by ONEDNN_MAX_CPU_ISA): its GEMM then runs twice as wide as ramiel's AVX2 one.
bool onednn_uses_avx512();

/// oneDNN element type for `type`; throws ramiel::Error(kUnsupported) naming `what` otherwise.
dnnl::memory::data_type data_type(ir::DataType type, const std::string& what);

/// oneDNN dims for ramiel dims.
dnnl::memory::dims dims(const ir::Dims& d);

/// Row-major strides of `d` (in elements).
dnnl::memory::dims plain_strides(const ir::Dims& d);

/// Memory descriptor for a tensor of logical `dims` stored in `layout` (see runtime::Layout).
dnnl::memory::desc md(const ir::Dims& dims, ir::DataType type, Layout layout = Layout::kPlain);

/// Memory descriptor of `info` (its dims, dtype and layout).
dnnl::memory::desc md(const TensorInfo& info);

/// Sets the calling thread's OpenMP thread count for the scope and restores it afterwards.
class ThreadScope {
 public:
  /// Pins the calling thread to `threads` OpenMP threads.
  explicit ThreadScope(int threads);
  /// Restores the previous count.
  ~ThreadScope();
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int previous_;
};

/// 64-byte aligned heap bytes owned by a kernel (scratchpads, reordered weights, staging buffers).
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  /// Allocates `bytes` zeroed bytes.
  explicit AlignedBuffer(size_t bytes);
  /// The bytes (nullptr when empty).
  void* data() const { return data_.get(); }
  /// Size in bytes.
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(void* p) const;
  };
  std::unique_ptr<void, Free> data_;
  size_t size_ = 0;
};

/// A primitive with its argument list prepared once. Arguments are added at creation with their
/// memory descriptors; at run time only their data pointers change.
class BoundPrimitive {
 public:
  BoundPrimitive() = default;
  /// Wraps `primitive` created from `pd` (with a user-mode scratchpad) for `threads` threads.
  BoundPrimitive(dnnl::primitive primitive, const dnnl::primitive_desc_base& pd, int threads);

  /// Adds argument `arg` (DNNL_ARG_*) described by `desc`, initially pointing at `data`; returns
  /// the index to pass to set().
  int add(int arg, const dnnl::memory::desc& desc, void* data = nullptr);
  /// Points argument `index` at `data`.
  void set(int index, const void* data) { memories_[static_cast<size_t>(index)].set_data_handle(const_cast<void*>(data)); }
  /// Runs the primitive on the calling thread (pinned to the creation thread count).
  void execute(const dnnl::stream& stream);
  /// True once a primitive is wrapped.
  bool valid() const { return static_cast<bool>(primitive_); }
  /// oneDNN's implementation name (e.g. "brg:avx512_core"), for diagnostics.
  const std::string& implementation() const { return impl_; }

 private:
  dnnl::primitive primitive_;
  std::vector<dnnl::memory> memories_;
  std::vector<int> arg_ids_;
  std::vector<dnnl_exec_arg_t> args_;
  AlignedBuffer scratchpad_;
  int threads_ = 1;
  std::string impl_;
};

/// A reorder between two descriptors of the same logical tensor, prepared once.
class BoundReorder {
 public:
  BoundReorder() = default;
  /// Prepares the reorder `from` -> `to` for `threads` threads.
  BoundReorder(const dnnl::memory::desc& from, const dnnl::memory::desc& to, int threads);
  /// Reorders `src` into `dst` on the calling thread.
  void run(const dnnl::stream& stream, const void* src, void* dst);
  /// True once prepared.
  bool valid() const { return prim_.valid(); }

 private:
  BoundPrimitive prim_;
  int from_ = 0, to_ = 0;
};

/// The primitive attributes every kernel uses (user-mode scratchpad) plus the fused operations as
/// post-ops: the multiplication by init.output_scale (if not 1), the addition of a tensor described
/// by `addend` (if given; its data is argument addend_argument(init)), then `init`'s activation.
dnnl::primitive_attr kernel_attributes(const KernelInit& init, const dnnl::memory::desc* addend = nullptr);

/// The execution argument of the addend's data in kernel_attributes(init, addend).
inline int addend_argument(const KernelInit& init) {
  return DNNL_ARG_ATTR_MULTIPLE_POST_OP(init.output_scale != 1.0f ? 1 : 0) | DNNL_ARG_SRC_1;
}

/// Runs a one-off reorder now (creation time, e.g. weight packing).
void reorder_now(const dnnl::memory::desc& from, const void* src, const dnnl::memory::desc& to, void* dst,
                 int threads);

/// Converts a dnnl::error thrown while creating a primitive for `what` into ramiel::Error.
[[noreturn]] void rethrow_as_unsupported(const dnnl::error& e, const std::string& what);

}  // namespace ramiel::runtime::dnnl_util
