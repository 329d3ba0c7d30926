#include "runtime/schedule_order.h"

#include <gtest/gtest.h>

#include <random>

namespace ramiel::runtime {
namespace {

TEST(ScheduleOrder, ProgramOrderAndWaits) {
  // worker 0: 0, 2   worker 1: 1, 3   task 3 waits for 0.
  StaticSchedule s{{{0, 2}, {1, 3}}, {{}, {}, {}, {0}}};
  ScheduleOrder order(s);
  EXPECT_TRUE(order.happens_before(0, 2));
  EXPECT_TRUE(order.happens_before(1, 3));
  EXPECT_TRUE(order.happens_before(0, 3));
  EXPECT_FALSE(order.happens_before(2, 3)) << "2 and 3 are concurrent";
  EXPECT_FALSE(order.happens_before(3, 2));
  EXPECT_FALSE(order.happens_before(1, 2)) << "nothing orders worker 1 before worker 0";
  EXPECT_FALSE(order.happens_before(2, 0));
  EXPECT_FALSE(order.happens_before(0, 0));
}

TEST(ScheduleOrder, MatchesTransitiveClosureOnRandomSchedules) {
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    const int n = 1 + static_cast<int>(rng() % 60), workers = 1 + static_cast<int>(rng() % 4);
    StaticSchedule s;
    s.worker_tasks.resize(static_cast<size_t>(workers));
    s.waits.resize(static_cast<size_t>(n));
    for (int t = 0; t < n; ++t) {
      s.worker_tasks[rng() % static_cast<unsigned>(workers)].push_back(t);
      if (t > 0 && rng() % 2) s.waits[static_cast<size_t>(t)].push_back(static_cast<TaskId>(rng() % static_cast<unsigned>(t)));
    }
    // Reference: reachability by DFS over program order + waits.
    std::vector<std::vector<int>> succ(static_cast<size_t>(n));
    for (const auto& tasks : s.worker_tasks)
      for (size_t i = 1; i < tasks.size(); ++i) succ[static_cast<size_t>(tasks[i - 1])].push_back(tasks[i]);
    for (int t = 0; t < n; ++t)
      for (TaskId d : s.waits[static_cast<size_t>(t)]) succ[static_cast<size_t>(d)].push_back(t);
    ScheduleOrder order(s);
    for (int a = 0; a < n; ++a) {
      std::vector<bool> reach(static_cast<size_t>(n), false);
      std::vector<int> stack = succ[static_cast<size_t>(a)];
      while (!stack.empty()) {
        int x = stack.back();
        stack.pop_back();
        if (reach[static_cast<size_t>(x)]) continue;
        reach[static_cast<size_t>(x)] = true;
        for (int y : succ[static_cast<size_t>(x)]) stack.push_back(y);
      }
      for (int b = 0; b < n; ++b) ASSERT_EQ(order.happens_before(a, b), reach[static_cast<size_t>(b)]) << a << "->" << b;
    }
  }
}

}  // namespace
}  // namespace ramiel::runtime
