#include "runtime/parallel_executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <random>
#include <stdexcept>

#include "ramiel/error.h"

namespace ramiel::runtime {
namespace {

/// A random schedule over `tasks` tasks on `workers` workers: tasks are numbered in a topological
/// order, each waits for up to three earlier tasks on other workers.
StaticSchedule random_schedule(int tasks, int workers, std::mt19937& rng) {
  StaticSchedule s;
  s.worker_tasks.resize(static_cast<size_t>(workers));
  s.waits.resize(static_cast<size_t>(tasks));
  std::vector<int> worker_of(static_cast<size_t>(tasks));
  for (int t = 0; t < tasks; ++t) {
    int w = static_cast<int>(rng() % static_cast<unsigned>(workers));
    worker_of[static_cast<size_t>(t)] = w;
    s.worker_tasks[static_cast<size_t>(w)].push_back(t);
    for (int k = 0; k < 3 && t > 0; ++k) {
      int d = static_cast<int>(rng() % static_cast<unsigned>(t));
      if (worker_of[static_cast<size_t>(d)] != w) s.waits[static_cast<size_t>(t)].push_back(d);
    }
  }
  return s;
}

/// Runs `s` and checks every wait and every program-order edge was honoured.
void run_and_check(ParallelExecutor& ex, const StaticSchedule& s) {
  std::atomic<int> clock{0};
  std::vector<int> start(s.task_count(), -1), finish(s.task_count(), -1);
  ex.run(s, [&](int, TaskId t) {
    start[static_cast<size_t>(t)] = clock.fetch_add(1);
    finish[static_cast<size_t>(t)] = clock.fetch_add(1);
  });
  for (size_t t = 0; t < s.task_count(); ++t) {
    ASSERT_GE(start[t], 0) << "task " << t << " did not run";
    for (TaskId d : s.waits[t]) EXPECT_LT(finish[static_cast<size_t>(d)], start[t]) << d << " -> " << t;
  }
  for (const auto& tasks : s.worker_tasks) {
    for (size_t i = 1; i < tasks.size(); ++i) EXPECT_LT(finish[static_cast<size_t>(tasks[i - 1])], start[static_cast<size_t>(tasks[i])]);
  }
}

TEST(ParallelExecutor, RandomSchedulesHonourEveryDependency) {
  std::mt19937 rng(7);
  for (int workers = 1; workers <= 8; ++workers) {
    ParallelExecutor ex(workers);
    for (int round = 0; round < 20; ++round) {
      StaticSchedule s = random_schedule(1 + static_cast<int>(rng() % 200), workers, rng);
      validate_schedule(s);
      run_and_check(ex, s);
    }
  }
}

TEST(ParallelExecutor, ManyRepeatedRunsOfOneSchedule) {
  std::mt19937 rng(11);
  StaticSchedule s = random_schedule(64, 4, rng);
  ParallelExecutor ex(4);
  for (int i = 0; i < 200; ++i) run_and_check(ex, s);
}

TEST(ParallelExecutor, WorkerZeroIsTheCallingThreadAndInitRunsOnOthers) {
  std::atomic<int> inits{0};
  ParallelExecutor ex(3, [&](int w) { EXPECT_GE(w, 1); inits.fetch_add(1); });
  StaticSchedule s{{{0}, {1}, {2}}, {{}, {0}, {1}}};
  std::thread::id caller = std::this_thread::get_id(), seen;
  ex.run(s, [&](int worker, TaskId t) {
    if (worker == 0) seen = std::this_thread::get_id();
    EXPECT_EQ(worker, t);
  });
  EXPECT_EQ(seen, caller);
  EXPECT_EQ(inits.load(), 2);
}

TEST(ParallelExecutor, ErrorOnAnyWorkerReachesCallerWithoutHang) {
  std::mt19937 rng(3);
  StaticSchedule s = random_schedule(100, 4, rng);
  ParallelExecutor ex(4);
  for (TaskId failing : {0, 37, 99}) {
    auto result = std::async(std::launch::async, [&] {
      try {
        ex.run(s, [&](int, TaskId t) {
          if (t == failing) throw Error(ErrorKind::kInternal, "task " + std::to_string(t) + " failed");
        });
      } catch (const Error& e) {
        return std::string(e.what());
      }
      return std::string("no error");
    });
    ASSERT_EQ(result.wait_for(std::chrono::seconds(30)), std::future_status::ready) << "executor hung";
    EXPECT_EQ(result.get(), "task " + std::to_string(failing) + " failed");
  }
  run_and_check(ex, s);  // usable again after a failure
}

TEST(ParallelExecutor, GrowsToLargerSchedules) {
  std::mt19937 rng(5);
  ParallelExecutor ex(2);
  run_and_check(ex, random_schedule(10, 2, rng));
  run_and_check(ex, random_schedule(5000, 2, rng));
  run_and_check(ex, random_schedule(3, 2, rng));
}

TEST(ValidateSchedule, RejectsBrokenSchedules) {
  EXPECT_THROW(validate_schedule(StaticSchedule{{{0, 0}}, {{}}}), Error);            // runs twice
  EXPECT_THROW(validate_schedule(StaticSchedule{{{0}}, {{}, {}}}), Error);           // task 1 never runs
  EXPECT_THROW(validate_schedule(StaticSchedule{{{0}, {1}}, {{1}, {0}}}), Error);    // wait cycle
  EXPECT_THROW(validate_schedule(StaticSchedule{{{0, 1}}, {{1}, {}}}), Error);       // waits on a later task of its own worker
  EXPECT_THROW(validate_schedule(StaticSchedule{{{0}}, {{5}}}), Error);              // out of range
  EXPECT_NO_THROW(validate_schedule(StaticSchedule{{{0, 2}, {1}}, {{}, {0}, {1}}}));
  EXPECT_THROW(ParallelExecutor(0), Error);
}

}  // namespace
}  // namespace ramiel::runtime
