#include "schedule/timeline.h"

#include <algorithm>

namespace ramiel::schedule {

Timeline::Fit Timeline::earliest_fit(double ready_ms, double cost_ms, int max_gaps) const {
  if (!gaps_.empty() && ready_ms < end_ms_) {
    // First gap ending after ready_ms.
    auto it = std::upper_bound(gaps_.begin(), gaps_.end(), ready_ms, [](double r, const Gap& g) { return r < g.end; });
    for (int searched = 0; it != gaps_.end() && searched < max_gaps; ++it, ++searched) {
      const double start = std::max(ready_ms, it->start);
      if (start + cost_ms <= it->end) return {start, true};
    }
  }
  return {std::max(ready_ms, end_ms_), false};
}

void Timeline::insert(const Fit& fit, TaskId task, double cost_ms, int64_t order_key) {
  const double finish = fit.start_ms + cost_ms;
  placed_.push_back({fit.start_ms, finish, order_key, task});
  if (!fit.in_gap) {
    if (fit.start_ms > end_ms_) {
      if (gaps_.size() == kMaxGaps) gaps_.erase(gaps_.begin());  // forget the oldest
      gaps_.push_back({end_ms_, fit.start_ms});
    }
    end_ms_ = std::max(end_ms_, finish);
    return;
  }
  // The gap containing the start; a zero-length task still splits it, so no later task can be
  // placed across it.
  auto it = std::upper_bound(gaps_.begin(), gaps_.end(), fit.start_ms, [](double s, const Gap& g) { return s < g.start; });
  --it;
  const Gap gap = *it;
  const bool keep_left = fit.start_ms > gap.start, keep_right = gap.end > finish;
  if (keep_left && keep_right) {
    it->end = fit.start_ms;
    gaps_.insert(it + 1, Gap{finish, gap.end});
    if (gaps_.size() > kMaxGaps) gaps_.erase(gaps_.begin());
  } else if (keep_left) {
    it->end = fit.start_ms;
  } else if (keep_right) {
    it->start = finish;
  } else {
    gaps_.erase(it);
  }
}

std::vector<TaskId> Timeline::tasks() const {
  std::vector<Placed> sorted = placed_;
  std::sort(sorted.begin(), sorted.end(), [](const Placed& a, const Placed& b) {
    if (a.start != b.start) return a.start < b.start;
    if (a.finish != b.finish) return a.finish < b.finish;
    return a.key < b.key;
  });
  std::vector<TaskId> out;
  out.reserve(sorted.size());
  for (const Placed& p : sorted) out.push_back(p.task);
  return out;
}

}  // namespace ramiel::schedule
