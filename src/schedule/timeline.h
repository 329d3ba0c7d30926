#pragma once
/// \file
/// A worker's timeline while a list scheduler fills it: where tasks were placed and the idle gaps
/// between them, so a task can be inserted into the earliest gap it fits in (insertion-based
/// scheduling, as in HEFT). Only the latest kMaxGaps gaps are remembered (older ones count as
/// busy): tasks rarely become ready far behind a worker's end, and a small gap list stays in cache,
/// which keeps placement O(kMaxGaps) instead of a tree walk over thousands of tiny gaps.

#include <utility>
#include <vector>

#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// Tasks placed on one worker, never overlapping.
class Timeline {
 public:
  /// Where a task would go.
  struct Fit {
    double start_ms = 0;   ///< Its start time.
    bool in_gap = false;   ///< True if it goes into an idle gap, false if after the last task.
  };

  /// Idle gaps remembered per worker.
  static constexpr size_t kMaxGaps = 64;

  /// Earliest start >= `ready_ms` at which a task of `cost_ms` fits: in a remembered idle gap
  /// (trying at most `max_gaps` gaps that end after ready_ms) or after the last task.
  Fit earliest_fit(double ready_ms, double cost_ms, int max_gaps) const;
  /// Places `task` (running for `cost_ms`) where `fit` says; `order_key` breaks ties between
  /// tasks starting at the same time (zero-cost tasks): lower first. O(kMaxGaps).
  void insert(const Fit& fit, TaskId task, double cost_ms, int64_t order_key);
  /// The placed tasks in time order. O(tasks log tasks).
  std::vector<TaskId> tasks() const;
  /// True if nothing is placed.
  bool empty() const { return placed_.empty(); }
  /// When the last task finishes.
  double end_ms() const { return end_ms_; }

 private:
  struct Placed {
    double start;
    double finish;
    int64_t key;
    TaskId task;
  };
  std::vector<Placed> placed_;
  struct Gap {
    double start;
    double end;
  };
  std::vector<Gap> gaps_;  // idle intervals before end_ms_, disjoint, sorted by start
  double end_ms_ = 0;
};

}  // namespace ramiel::schedule
