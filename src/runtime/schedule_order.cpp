#include "runtime/schedule_order.h"

#include <algorithm>

namespace ramiel::runtime {

ScheduleOrder::ScheduleOrder(const StaticSchedule& schedule)
    : workers_(schedule.worker_tasks.size()),
      worker_of_(schedule.task_count(), 0),
      position_(schedule.task_count(), 0),
      clock_(schedule.task_count() * schedule.worker_tasks.size(), -1) {
  for (size_t w = 0; w < workers_; ++w) {
    const auto& tasks = schedule.worker_tasks[w];
    for (size_t i = 0; i < tasks.size(); ++i) {
      worker_of_[static_cast<size_t>(tasks[i])] = static_cast<int>(w);
      position_[static_cast<size_t>(tasks[i])] = static_cast<int>(i);
    }
  }
  // In dependency order, each task's clock flows into its successors (program order and waits).
  visit_in_dependency_order(schedule, [this](TaskId t, const std::vector<TaskId>& successors) {
    const int* own = &clock_[static_cast<size_t>(t) * workers_];
    const size_t tw = static_cast<size_t>(worker_of_[static_cast<size_t>(t)]);
    for (TaskId s : successors) {
      int* dst = &clock_[static_cast<size_t>(s) * workers_];
      for (size_t w = 0; w < workers_; ++w) dst[w] = std::max(dst[w], own[w]);
      dst[tw] = std::max(dst[tw], position_[static_cast<size_t>(t)]);
    }
  });
}

bool ScheduleOrder::happens_before(TaskId a, TaskId b) const {
  if (a == b) return false;
  size_t wa = static_cast<size_t>(worker_of_[static_cast<size_t>(a)]);
  return position_[static_cast<size_t>(a)] <= clock_[static_cast<size_t>(b) * workers_ + wa];
}

}  // namespace ramiel::runtime
