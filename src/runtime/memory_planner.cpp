#include "runtime/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace ramiel::runtime {
namespace {

size_t align_up(size_t n, size_t alignment) { return (n + alignment - 1) / alignment * alignment; }

// Every use of `a` (its writers and all readers) is ordered before every writer of `b`.
bool entirely_before(const BufferLifetime& a, const BufferLifetime& b, const HappensBefore& hb) {
  auto before_b = [&](StepId use) {
    return hb(use, b.writer) && std::all_of(b.co_writers.begin(), b.co_writers.end(), [&](StepId w) { return hb(use, w); });
  };
  return before_b(a.writer) && std::all_of(a.co_writers.begin(), a.co_writers.end(), before_b) &&
         std::all_of(a.readers.begin(), a.readers.end(), before_b);
}

}  // namespace

bool lifetimes_overlap(const BufferLifetime& a, const BufferLifetime& b, const HappensBefore& happens_before) {
  if (a.bytes == 0 || b.bytes == 0) return false;
  return !entirely_before(a, b, happens_before) && !entirely_before(b, a, happens_before);
}

MemoryPlan plan_memory(std::span<const BufferLifetime> buffers, const HappensBefore& happens_before,
                       size_t alignment) {
  MemoryPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), size_t{0});
  // Largest first; ties by id so equal inputs give equal plans.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return buffers[a].bytes > buffers[b].bytes; });

  struct Block {
    size_t begin, end;
  };
  std::vector<size_t> placed;
  std::vector<Block> busy;
  for (size_t id : order) {
    const BufferLifetime& buf = buffers[id];
    if (buf.bytes == 0) continue;
    size_t size = align_up(buf.bytes, alignment);
    plan.unshared_bytes += size;
    busy.clear();
    for (size_t other : placed) {
      if (lifetimes_overlap(buf, buffers[other], happens_before)) {
        busy.push_back({plan.offsets[other], plan.offsets[other] + align_up(buffers[other].bytes, alignment)});
      }
    }
    std::sort(busy.begin(), busy.end(), [](const Block& a, const Block& b) { return a.begin < b.begin; });
    // Best fit: the smallest gap between live blocks that holds `size`; else after the last one.
    size_t best = SIZE_MAX, best_gap = SIZE_MAX, cursor = 0;
    for (const Block& b : busy) {
      if (b.begin > cursor) {
        size_t gap = b.begin - cursor;
        if (gap >= size && gap < best_gap) {
          best = cursor;
          best_gap = gap;
        }
      }
      cursor = std::max(cursor, b.end);
    }
    plan.offsets[id] = best != SIZE_MAX ? best : cursor;
    plan.arena_bytes = std::max(plan.arena_bytes, plan.offsets[id] + size);
    placed.push_back(id);
  }
  return plan;
}

MemoryPlan plan_memory_serial(std::span<const BufferLifetime> buffers, size_t alignment) {
  return plan_memory(buffers, [](StepId a, StepId b) { return a < b; }, alignment);
}

bool verify_memory_plan(std::span<const BufferLifetime> buffers, const MemoryPlan& plan,
                        const HappensBefore& happens_before) {
  if (plan.offsets.size() != buffers.size()) return false;
  for (size_t i = 0; i < buffers.size(); ++i) {
    if (buffers[i].bytes == 0) continue;
    if (plan.offsets[i] + buffers[i].bytes > plan.arena_bytes) return false;
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      if (buffers[j].bytes == 0) continue;
      bool disjoint = plan.offsets[i] + buffers[i].bytes <= plan.offsets[j] ||
                      plan.offsets[j] + buffers[j].bytes <= plan.offsets[i];
      if (!disjoint && lifetimes_overlap(buffers[i], buffers[j], happens_before)) return false;
    }
  }
  return true;
}

}  // namespace ramiel::runtime
