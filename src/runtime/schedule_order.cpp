#include "runtime/schedule_order.h"

#include <algorithm>

namespace ramiel::runtime {

ScheduleOrder::ScheduleOrder(const StaticSchedule& schedule)
    : workers_(schedule.worker_tasks.size()),
      worker_of_(schedule.task_count(), 0),
      position_(schedule.task_count(), 0),
      clock_(schedule.task_count() * schedule.worker_tasks.size(), -1) {
  const size_t n = schedule.task_count();
  for (size_t w = 0; w < workers_; ++w) {
    const auto& tasks = schedule.worker_tasks[w];
    for (size_t i = 0; i < tasks.size(); ++i) {
      worker_of_[static_cast<size_t>(tasks[i])] = static_cast<int>(w);
      position_[static_cast<size_t>(tasks[i])] = static_cast<int>(i);
    }
  }
  // Visit tasks in a topological order of program order + waits (Kahn), merging predecessor clocks.
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
  while (!ready.empty()) {
    TaskId t = ready.back();
    ready.pop_back();
    const int* own = &clock_[static_cast<size_t>(t) * workers_];
    for (TaskId s : succ[static_cast<size_t>(t)]) {
      int* dst = &clock_[static_cast<size_t>(s) * workers_];
      for (size_t w = 0; w < workers_; ++w) dst[w] = std::max(dst[w], own[w]);
      size_t tw = static_cast<size_t>(worker_of_[static_cast<size_t>(t)]);
      dst[tw] = std::max(dst[tw], position_[static_cast<size_t>(t)]);
      if (--indegree[static_cast<size_t>(s)] == 0) ready.push_back(s);
    }
  }
}

bool ScheduleOrder::happens_before(TaskId a, TaskId b) const {
  if (a == b) return false;
  size_t wa = static_cast<size_t>(worker_of_[static_cast<size_t>(a)]);
  return position_[static_cast<size_t>(a)] <= clock_[static_cast<size_t>(b) * workers_ + wa];
}

}  // namespace ramiel::runtime
