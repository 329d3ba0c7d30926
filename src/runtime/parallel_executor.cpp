#include "runtime/parallel_executor.h"

#include <immintrin.h>

#include <chrono>
#include <string>

#include "ramiel/error.h"

namespace ramiel::runtime {
namespace {

// Spin for this long before yielding and then sleeping in a futex wait: a hand-off between busy
// workers costs well under a microsecond, but a worker that has gone to sleep costs a wake-up, and
// on a virtual machine an idle vCPU is halted by the host and takes far longer to come back. The
// gaps inside a plan are mostly shorter than this, so workers stay awake through them, and soon
// give their core back when there is nothing to do (to the worker they wait for, when threads
// outnumber cores). OpenMP runtimes spin for similar reasons (Intel's KMP_BLOCKTIME: 200 ms).
constexpr auto kSpinTime = std::chrono::microseconds(100);
constexpr int kPausesPerClockRead = 64;
constexpr int kYieldIterations = 16;

/// Waits until `flag` holds `target` (spin, yield, then block). `flag` only ever moves forward.
void wait_for(const std::atomic<uint32_t>& flag, uint32_t target) {
  const auto spin_until = std::chrono::steady_clock::now() + kSpinTime;
  do {
    for (int i = 0; i < kPausesPerClockRead; ++i) {
      if (flag.load(std::memory_order_acquire) == target) return;
      _mm_pause();
    }
  } while (std::chrono::steady_clock::now() < spin_until);
  for (int i = 0; i < kYieldIterations; ++i) {
    if (flag.load(std::memory_order_acquire) == target) return;
    std::this_thread::yield();
  }
  for (uint32_t seen = flag.load(std::memory_order_acquire); seen != target; seen = flag.load(std::memory_order_acquire)) {
    flag.wait(seen, std::memory_order_acquire);
  }
}

}  // namespace

size_t visit_in_dependency_order(const StaticSchedule& schedule,
                                 const std::function<void(TaskId, const std::vector<TaskId>&)>& visit) {
  const size_t n = schedule.task_count();
  std::vector<std::vector<TaskId>> succ(n);
  std::vector<int> indegree(n, 0);
  for (const auto& tasks : schedule.worker_tasks) {
    for (size_t i = 1; i < tasks.size(); ++i) {
      succ[static_cast<size_t>(tasks[i - 1])].push_back(tasks[i]);
      ++indegree[static_cast<size_t>(tasks[i])];
    }
  }
  for (size_t t = 0; t < n; ++t) {
    for (TaskId d : schedule.waits[t]) {
      succ[static_cast<size_t>(d)].push_back(static_cast<TaskId>(t));
      ++indegree[t];
    }
  }
  std::vector<TaskId> ready;
  for (size_t t = 0; t < n; ++t) if (indegree[t] == 0) ready.push_back(static_cast<TaskId>(t));
  size_t seen = 0;
  while (!ready.empty()) {
    TaskId t = ready.back();
    ready.pop_back();
    ++seen;
    visit(t, succ[static_cast<size_t>(t)]);
    for (TaskId s : succ[static_cast<size_t>(t)]) if (--indegree[static_cast<size_t>(s)] == 0) ready.push_back(s);
  }
  return seen;
}

void validate_schedule(const StaticSchedule& schedule) {
  const size_t n = schedule.task_count();
  auto fail = [](const std::string& why) { throw Error(ErrorKind::kInvalidArgument, "invalid schedule: " + why); };
  std::vector<int> worker_of(n, -1), position(n, -1);
  for (size_t w = 0; w < schedule.worker_tasks.size(); ++w) {
    const auto& tasks = schedule.worker_tasks[w];
    for (size_t i = 0; i < tasks.size(); ++i) {
      TaskId t = tasks[i];
      if (t < 0 || static_cast<size_t>(t) >= n) fail("task " + std::to_string(t) + " out of range");
      if (worker_of[static_cast<size_t>(t)] >= 0) fail("task " + std::to_string(t) + " runs twice");
      worker_of[static_cast<size_t>(t)] = static_cast<int>(w);
      position[static_cast<size_t>(t)] = static_cast<int>(i);
    }
  }
  for (size_t t = 0; t < n; ++t) {
    if (worker_of[t] < 0) fail("task " + std::to_string(t) + " is never run");
    for (TaskId d : schedule.waits[t]) {
      if (d < 0 || static_cast<size_t>(d) >= n) fail("task " + std::to_string(t) + " waits for a task out of range");
    }
  }
  const size_t seen = visit_in_dependency_order(schedule, [](TaskId, const std::vector<TaskId>&) {});
  if (seen != n) fail("program order plus waits has a cycle (the schedule would deadlock)");
}

ParallelExecutor::ParallelExecutor(int workers, std::function<void(int)> thread_init)
    : workers_(workers), thread_init_(std::move(thread_init)) {
  if (workers < 1) throw Error(ErrorKind::kInvalidArgument, "executor needs at least one worker, got " + std::to_string(workers));
  for (int w = 1; w < workers; ++w) threads_.emplace_back([this, w] { worker_loop(w); });
}

ParallelExecutor::~ParallelExecutor() {
  stop_.store(true, std::memory_order_release);
  start_epoch_.fetch_add(1, std::memory_order_acq_rel);
  start_epoch_.notify_all();
  for (auto& t : threads_) t.join();
}

void ParallelExecutor::worker_loop(int worker) {
  if (thread_init_) thread_init_(worker);
  uint32_t seen = 0;
  for (;;) {
    wait_for(start_epoch_, seen + 1);
    seen += 1;
    if (stop_.load(std::memory_order_acquire)) return;
    run_worker(worker);
    if (finished_workers_.fetch_add(1, std::memory_order_acq_rel) + 1 == workers_) finished_workers_.notify_all();
  }
}

void ParallelExecutor::run_worker(int worker) {
  if (static_cast<size_t>(worker) >= schedule_->worker_tasks.size()) return;
  const uint32_t epoch = epoch_;
  for (TaskId task : schedule_->worker_tasks[static_cast<size_t>(worker)]) {
    for (TaskId dep : schedule_->waits[static_cast<size_t>(task)]) wait_for(done_[static_cast<size_t>(dep)], epoch);
    if (!failed_.load(std::memory_order_relaxed)) {
      try {
        (*run_task_)(worker, task);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex_);
        if (!first_error_) first_error_ = std::current_exception();
        failed_.store(true, std::memory_order_relaxed);
      }
    }
    // Marked done even when skipped after a failure, so that no waiter hangs.
    done_[static_cast<size_t>(task)].store(epoch, std::memory_order_release);
    done_[static_cast<size_t>(task)].notify_all();
  }
}

void ParallelExecutor::run(const StaticSchedule& schedule, const std::function<void(int, TaskId)>& run_task) {
  const size_t n = schedule.task_count();
  if (n > done_capacity_) {
    // Only when a bigger schedule arrives; workers are idle here, between runs.
    done_ = std::make_unique<std::atomic<uint32_t>[]>(n);
    for (size_t i = 0; i < n; ++i) done_[i].store(epoch_, std::memory_order_relaxed);
    done_capacity_ = n;
  }
  schedule_ = &schedule;
  run_task_ = &run_task;
  epoch_ += 1;
  if (epoch_ == 0) {  // wrapped: reset flags so an old value never looks current
    for (size_t i = 0; i < done_capacity_; ++i) done_[i].store(0, std::memory_order_relaxed);
    epoch_ = 1;
  }
  failed_.store(false, std::memory_order_relaxed);
  first_error_ = nullptr;
  finished_workers_.store(0, std::memory_order_relaxed);
  // Release: the workers see schedule_, run_task_, epoch_ after they observe the new start epoch.
  start_epoch_.fetch_add(1, std::memory_order_acq_rel);
  start_epoch_.notify_all();
  run_worker(0);
  int finished = finished_workers_.fetch_add(1, std::memory_order_acq_rel) + 1;
  while (finished != workers_) {
    finished_workers_.wait(finished, std::memory_order_acquire);
    finished = finished_workers_.load(std::memory_order_acquire);
  }
  schedule_ = nullptr;
  run_task_ = nullptr;
  if (first_error_) std::rethrow_exception(first_error_);
}

}  // namespace ramiel::runtime
