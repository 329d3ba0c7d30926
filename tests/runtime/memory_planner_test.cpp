// Memory planner: reuse in serial order, no reuse across unordered steps of a parallel plan,
// best fit, alignment, and random lifetimes verified against the planner's own check.
#include <gtest/gtest.h>

#include <random>

#include "runtime/memory_planner.h"

namespace ramiel::runtime {
namespace {

bool serial(StepId a, StepId b) { return a < b; }

TEST(MemoryPlanner, EmptyAndZeroSized) {
  MemoryPlan p = plan_memory_serial({});
  EXPECT_EQ(p.arena_bytes, 0u);
  std::vector<BufferLifetime> b = {{0, 1, {2}}, {100, 1, {2}}};
  p = plan_memory_serial(b);
  EXPECT_EQ(p.arena_bytes, 128u);
  EXPECT_EQ(p.offsets[0], 0u);
}

TEST(MemoryPlanner, ChainReusesDeadBuffers) {
  // x1 = f(in); x2 = g(x1); x3 = h(x2): x3 may take x1's place.
  std::vector<BufferLifetime> b = {{1000, 1, {2}}, {1000, 2, {3}}, {1000, 3, {4}}};
  MemoryPlan p = plan_memory_serial(b);
  EXPECT_EQ(p.arena_bytes, 2048u);
  EXPECT_EQ(p.unshared_bytes, 3072u);
  EXPECT_EQ(p.offsets[0], p.offsets[2]);
  EXPECT_NE(p.offsets[0], p.offsets[1]);
  EXPECT_TRUE(verify_memory_plan(b, p, serial));
}

TEST(MemoryPlanner, ReaderAtNewWriterStepConflicts) {
  // Step 2 reads buffer 0 and writes buffer 1: no in-place reuse.
  std::vector<BufferLifetime> b = {{64, 1, {2}}, {64, 2, {3}}};
  EXPECT_TRUE(lifetimes_overlap(b[0], b[1], serial));
  MemoryPlan p = plan_memory_serial(b);
  EXPECT_NE(p.offsets[0], p.offsets[1]);
}

TEST(MemoryPlanner, DeadOutputStillNeedsItsBytes) {
  // A buffer nobody reads is live at its writer step only.
  std::vector<BufferLifetime> b = {{64, 1, {}}, {64, 1, {2}}, {64, 2, {3}}};
  EXPECT_TRUE(lifetimes_overlap(b[0], b[1], serial));
  EXPECT_FALSE(lifetimes_overlap(b[0], b[2], serial));
}

TEST(MemoryPlanner, UnorderedStepsOfAParallelPlanNeverShare) {
  // Two workers: worker 0 runs steps 1, 2; worker 1 runs steps 3, 4; no cross edges. In serial
  // numbering buffer A (1 -> 2) ends before buffer B (3 -> 4) starts, but the workers run at once.
  auto worker = [](StepId s) { return s <= 2 ? 0 : 1; };
  HappensBefore parallel = [&](StepId a, StepId b) { return worker(a) == worker(b) && a < b; };
  std::vector<BufferLifetime> b = {{256, 1, {2}}, {256, 3, {4}}};
  EXPECT_FALSE(lifetimes_overlap(b[0], b[1], serial));
  EXPECT_TRUE(lifetimes_overlap(b[0], b[1], parallel));
  MemoryPlan p = plan_memory(b, parallel);
  EXPECT_EQ(p.arena_bytes, 512u);
  EXPECT_TRUE(verify_memory_plan(b, p, parallel));
  // With a cross edge 2 -> 3 (worker 1 waits for worker 0), they may share.
  HappensBefore joined = [&](StepId a, StepId c) { return a < c && (worker(a) == worker(c) || (a <= 2 && c >= 3)); };
  EXPECT_EQ(plan_memory(b, joined).arena_bytes, 256u);
}

TEST(MemoryPlanner, BestFitPicksTheSmallestGap) {
  // Placed largest first: long-lived L1, L2, L3 end up separated by the short-lived S1 (512 bytes)
  // and S2 (256 bytes). F, alive after S1 and S2 died, fits both gaps; best fit is S2's.
  std::vector<BufferLifetime> b = {
      {2048, 1, {10}},  // L1
      {512, 1, {2}},    // S1
      {384, 1, {10}},   // L2
      {256, 1, {2}},    // S2
      {256, 1, {10}},   // L3
      {256, 3, {4}},    // F
  };
  MemoryPlan p = plan_memory_serial(b);
  EXPECT_TRUE(verify_memory_plan(b, p, serial));
  EXPECT_EQ(p.offsets[1], 2048u);
  EXPECT_EQ(p.offsets[5], p.offsets[3]);
  EXPECT_EQ(p.arena_bytes, 3456u);
}

TEST(MemoryPlanner, AlignmentIsRespected) {
  std::vector<BufferLifetime> b = {{3, 1, {3}}, {5, 2, {3}}, {7, 3, {4}}};
  MemoryPlan p = plan_memory_serial(b, 64);
  for (size_t off : p.offsets) EXPECT_EQ(off % 64, 0u);
  p = plan_memory_serial(b, 16);
  for (size_t off : p.offsets) EXPECT_EQ(off % 16, 0u);
}

TEST(MemoryPlanner, RandomSerialLifetimes) {
  std::mt19937 rng(5);
  for (int iter = 0; iter < 50; ++iter) {
    std::vector<BufferLifetime> b;
    const int steps = 40;
    for (int i = 0; i < 60; ++i) {
      BufferLifetime l;
      l.bytes = std::uniform_int_distribution<size_t>(0, 5000)(rng);
      l.writer = std::uniform_int_distribution<StepId>(0, steps - 1)(rng);
      int readers = std::uniform_int_distribution<int>(0, 3)(rng);
      for (int r = 0; r < readers; ++r) l.readers.push_back(std::uniform_int_distribution<StepId>(l.writer + 1, steps)(rng));
      b.push_back(l);
    }
    MemoryPlan p = plan_memory_serial(b);
    ASSERT_TRUE(verify_memory_plan(b, p, serial));
    EXPECT_LE(p.arena_bytes, p.unshared_bytes);
  }
}

TEST(MemoryPlanner, RandomPartialOrders) {
  // Random DAGs of steps: happens_before is reachability.
  std::mt19937 rng(9);
  for (int iter = 0; iter < 30; ++iter) {
    const int n = 30;
    std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
    for (int b = 0; b < n; ++b) {
      for (int a = 0; a < b; ++a) {
        if (std::uniform_int_distribution<int>(0, 9)(rng) == 0) {
          reach[a][b] = true;
          for (int c = 0; c < a; ++c)
            if (reach[c][a]) reach[c][b] = true;
        }
      }
    }
    HappensBefore hb = [&](StepId a, StepId b) { return reach[static_cast<size_t>(a)][static_cast<size_t>(b)]; };
    std::vector<BufferLifetime> bufs;
    for (int i = 0; i < 40; ++i) {
      BufferLifetime l;
      l.bytes = std::uniform_int_distribution<size_t>(1, 4000)(rng);
      l.writer = std::uniform_int_distribution<StepId>(0, n - 2)(rng);
      for (int r = l.writer + 1; r < n; ++r)
        if (reach[static_cast<size_t>(l.writer)][static_cast<size_t>(r)] && std::uniform_int_distribution<int>(0, 3)(rng) == 0)
          l.readers.push_back(r);
      bufs.push_back(l);
    }
    MemoryPlan p = plan_memory(bufs, hb);
    ASSERT_TRUE(verify_memory_plan(bufs, p, hb));
    // A partial order allows no more sharing than the serial order that extends it.
    EXPECT_GE(p.arena_bytes, plan_memory_serial(bufs).arena_bytes / 2);
  }
}

}  // namespace
}  // namespace ramiel::runtime
