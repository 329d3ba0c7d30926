#pragma once
/// \file
/// The happens-before relation of a StaticSchedule (program order on each worker plus the
/// cross-worker waits), answered in O(1) from vector clocks. The memory planner uses it so that a
/// buffer is reused only when every reader of its old value is ordered before the new writer.

#include <vector>

#include "runtime/parallel_executor.h"

namespace ramiel::runtime {

/// Vector clocks of a validated schedule.
class ScheduleOrder {
 public:
  /// Computes the clocks; O(tasks x workers).
  explicit ScheduleOrder(const StaticSchedule& schedule);
  /// True if task `a` is guaranteed to finish before task `b` starts, in every execution.
  bool happens_before(TaskId a, TaskId b) const;

 private:
  size_t workers_;
  std::vector<int> worker_of_;
  std::vector<int> position_;
  std::vector<int> clock_;  // clock_[t * workers_ + w]: last position on w finished before t starts (-1: none)
};

}  // namespace ramiel::runtime
