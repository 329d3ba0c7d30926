#pragma once
/// \file
/// Runs a static schedule on P persistent threads: each worker executes its own task list in
/// order, and a task that needs another worker's result waits on that task's ready flag. No
/// mutex and no dynamic scheduling on the hot path (Taskflow-style executor, but the schedule is
/// fixed at compile time).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ramiel::runtime {

/// Index of a task in a StaticSchedule (dense, 0..task_count-1).
using TaskId = int32_t;

/// Who runs what, in which order, and which cross-worker results each task waits for.
struct StaticSchedule {
  /// Per worker, the tasks it runs in order. Every task appears exactly once overall.
  std::vector<std::vector<TaskId>> worker_tasks;
  /// waits[t]: tasks (on other workers) that must finish before task t starts.
  std::vector<std::vector<TaskId>> waits;

  /// Number of tasks (the size of `waits`).
  size_t task_count() const { return waits.size(); }
};

/// Visits tasks in a topological order of program order plus waits (Kahn's algorithm), calling
/// `visit(task, successors)`; returns the number visited (fewer than task_count(): a cycle).
/// Task ids must be in range.
size_t visit_in_dependency_order(const StaticSchedule& schedule,
                                 const std::function<void(TaskId task, const std::vector<TaskId>& successors)>& visit);

/// Throws ramiel::Error(kInvalidArgument) unless every task runs exactly once, waits name valid
/// tasks, and program order plus waits is acyclic (so run() cannot deadlock).
void validate_schedule(const StaticSchedule& schedule);

/// A pool of P-1 persistent threads plus the calling thread (worker 0) that runs StaticSchedules.
/// One run at a time; not reentrant.
class ParallelExecutor {
 public:
  /// Creates `workers` - 1 threads. `thread_init(w)` runs once on each worker thread w >= 1 when it
  /// starts (e.g. to pin OpenMP to one thread); the caller configures its own thread for worker 0.
  explicit ParallelExecutor(int workers, std::function<void(int worker)> thread_init = {});
  /// Stops and joins the threads.
  ~ParallelExecutor();
  ParallelExecutor(const ParallelExecutor&) = delete;
  ParallelExecutor& operator=(const ParallelExecutor&) = delete;

  /// Number of workers, the calling thread included.
  int workers() const { return workers_; }

  /// Runs `schedule` (validated by the caller) once; `run_task(worker, task)` does the work. Returns
  /// when every task has finished. If tasks throw, the remaining tasks are skipped (their waiters
  /// are released, so nothing hangs) and the first exception is rethrown here.
  void run(const StaticSchedule& schedule, const std::function<void(int worker, TaskId task)>& run_task);

 private:
  void worker_loop(int worker);
  void run_worker(int worker);

  int workers_;
  std::function<void(int)> thread_init_;
  std::vector<std::thread> threads_;

  // Per-run state. A task is finished in run N when done_[task] == N (epochs: nothing is reset).
  std::unique_ptr<std::atomic<uint32_t>[]> done_;
  size_t done_capacity_ = 0;
  const StaticSchedule* schedule_ = nullptr;
  const std::function<void(int, TaskId)>* run_task_ = nullptr;
  uint32_t epoch_ = 0;

  std::atomic<uint32_t> start_epoch_{0};   // bumped to start a run; workers wait on it
  std::atomic<int> finished_workers_{0};   // workers done with the current run
  std::atomic<bool> failed_{false};        // some task threw in this run
  std::atomic<bool> stop_{false};          // destructor asks threads to exit
  std::mutex error_mutex_;                 // guards first_error_ (cold path only)
  std::exception_ptr first_error_;
};

}  // namespace ramiel::runtime
