#pragma once
/// \file
/// The memory planner: places every intermediate buffer of a session at an offset of one arena so
/// that buffers whose lifetimes may overlap never share bytes (XNNPACK memory-planner style:
/// lifetimes first, then best fit among the free gaps).
///
/// The planner knows nothing about graphs or executors. A buffer is written by one step and read
/// by some steps; the caller says which steps are ordered before which (`happens_before`). In a
/// serial run that is step order; in a parallel plan it is program order on a worker plus the
/// cross-worker dependencies, so a buffer is reused only when every reader of its old value is
/// ordered before the new writer.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace ramiel::runtime {

/// Index of a step in the caller's numbering (only compared through `HappensBefore`).
using StepId = int32_t;

/// One buffer to place: its size and the steps that use it.
struct BufferLifetime {
  size_t bytes = 0;               ///< Size; 0-byte buffers get offset 0 and never conflict.
  StepId writer = 0;              ///< The step that writes the buffer (before any reader).
  std::vector<StepId> readers;    ///< Every step that reads it (may be empty).
  /// Further steps that write disjoint parts of the buffer, unordered with `writer` (the slices of
  /// a split node); the buffer is live from the first of them.
  std::vector<StepId> co_writers;
};

/// True if step `a` is guaranteed to finish before step `b` starts (a strict partial order).
using HappensBefore = std::function<bool(StepId a, StepId b)>;

/// Where each buffer lives in the arena.
struct MemoryPlan {
  std::vector<size_t> offsets;  ///< Byte offset of each buffer, in input order (multiples of the alignment).
  size_t arena_bytes = 0;       ///< Arena size needed.
  size_t unshared_bytes = 0;    ///< What the buffers would take without reuse (for reporting).
};

/// True if the two buffers' lifetimes may overlap: neither is entirely over (every use of it
/// ordered before the other's writer) when the other is written.
bool lifetimes_overlap(const BufferLifetime& a, const BufferLifetime& b, const HappensBefore& happens_before);

/// Places `buffers` best-fit, largest first. Deterministic for equal inputs.
MemoryPlan plan_memory(std::span<const BufferLifetime> buffers, const HappensBefore& happens_before,
                       size_t alignment = 64);

/// plan_memory() with serial order: step a happens before step b iff a < b.
MemoryPlan plan_memory_serial(std::span<const BufferLifetime> buffers, size_t alignment = 64);

/// True if no two buffers with overlapping lifetimes overlap in memory and all fit the arena
/// (a check for tests and debug builds).
bool verify_memory_plan(std::span<const BufferLifetime> buffers, const MemoryPlan& plan,
                        const HappensBefore& happens_before);

}  // namespace ramiel::runtime
