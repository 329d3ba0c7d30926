#include "runtime/parallel_program.h"

#include <algorithm>
#include <string>

#include "ramiel/error.h"

namespace ramiel::runtime {

std::map<ir::NodeId, int> NodeSchedule::split_nodes() const {
  std::map<ir::NodeId, int> split;
  for (const auto& list : workers) {
    for (const ScheduledNode& e : list) {
      if (e.slice_count > 1) split[e.node] = e.slice_count;
    }
  }
  return split;
}

StaticSchedule schedule_program(const Program& program, const NodeSchedule& schedule, size_t node_count) {
  const size_t steps = program.steps.size();
  auto fail = [](const std::string& what) { throw Error(ErrorKind::kInvalidArgument, "schedule " + what); };
  // Where each node (each slice) runs: per node, the (worker, position) of each slice.
  struct Place {
    int worker = -1;
    size_t position = 0;
  };
  std::vector<std::vector<Place>> places(node_count);
  for (size_t w = 0; w < schedule.workers.size(); ++w) {
    for (size_t i = 0; i < schedule.workers[w].size(); ++i) {
      const ScheduledNode& e = schedule.workers[w][i];
      const std::string node = "node " + std::to_string(e.node);
      if (e.node < 0 || static_cast<size_t>(e.node) >= node_count) fail("names " + node + ", which does not exist");
      if (e.slice_count < 1 || e.slice < 0 || e.slice >= e.slice_count) fail("gives " + node + " slice " + std::to_string(e.slice) + " of " + std::to_string(e.slice_count));
      auto& p = places[static_cast<size_t>(e.node)];
      if (p.empty()) p.resize(static_cast<size_t>(e.slice_count));
      if (p.size() != static_cast<size_t>(e.slice_count)) fail("splits " + node + " inconsistently");
      if (p[static_cast<size_t>(e.slice)].worker >= 0) fail("runs " + node + (e.slice_count > 1 ? " slice " + std::to_string(e.slice) : "") + " twice");
      p[static_cast<size_t>(e.slice)] = {static_cast<int>(w), i};
    }
  }
  // Each step goes to the place of its slice (slice 0 for whole kernels and conversions); a node
  // split in the schedule but whole in the program runs where slice 0 is.
  std::vector<std::vector<std::vector<TaskId>>> at(schedule.workers.size());  // [worker][position] -> steps
  for (size_t w = 0; w < schedule.workers.size(); ++w) at[w].resize(schedule.workers[w].size());
  std::vector<int> worker_of_step(steps, 0);
  for (size_t s = 0; s < steps; ++s) {
    const Step& step = program.steps[s];
    const auto& p = places[static_cast<size_t>(step.node)];
    const size_t slice = static_cast<size_t>(step.slice.count > 1 ? step.slice.index : 0);
    if (p.empty() || p[0].worker < 0) fail("does not run node " + std::to_string(step.node) + " (" + step.op + ")");
    for (const Place& place : p) {
      if (place.worker < 0) fail("misses a slice of node " + std::to_string(step.node) + " (" + step.op + ")");
    }
    if (step.slice.count > 1 && p.size() != static_cast<size_t>(step.slice.count)) {
      fail("splits node " + std::to_string(step.node) + " into " + std::to_string(p.size()) + " slices, the program into " + std::to_string(step.slice.count));
    }
    const Place& place = p[slice];
    at[static_cast<size_t>(place.worker)][place.position].push_back(static_cast<TaskId>(s));
    worker_of_step[s] = place.worker;
  }
  StaticSchedule result;
  result.worker_tasks.resize(schedule.workers.size());
  result.waits.resize(steps);
  for (size_t w = 0; w < at.size(); ++w) {
    for (const auto& group : at[w]) result.worker_tasks[w].insert(result.worker_tasks[w].end(), group.begin(), group.end());
  }
  // Writer steps of every slot (several for a split node); a view slot's data is written by its
  // base slot's writers.
  std::vector<std::vector<int>> writers(program.slots.size());
  for (size_t s = 0; s < steps; ++s) {
    for (int o : program.steps[s].outputs) if (o >= 0) writers[static_cast<size_t>(o)].push_back(static_cast<int>(s));
  }
  auto real_writers = [&](int slot) -> const std::vector<int>& {
    while (slot >= 0 && program.slots[static_cast<size_t>(slot)].view_of >= 0 && !writers[static_cast<size_t>(slot)].empty() &&
           program.steps[static_cast<size_t>(writers[static_cast<size_t>(slot)].front())].skip) {
      slot = program.slots[static_cast<size_t>(slot)].view_of;
    }
    static const std::vector<int> none;
    return slot >= 0 ? writers[static_cast<size_t>(slot)] : none;
  };
  for (size_t s = 0; s < steps; ++s) {
    auto& waits = result.waits[s];
    for (int in : program.steps[s].inputs) {
      if (in < 0) continue;
      for (int w : real_writers(in)) {
        if (worker_of_step[static_cast<size_t>(w)] != worker_of_step[s] && std::find(waits.begin(), waits.end(), w) == waits.end()) {
          waits.push_back(w);
        }
      }
    }
  }
  validate_schedule(result);
  return result;
}

HappensBefore program_happens_before(const ScheduleOrder& order, size_t step_count) {
  const StepId last = static_cast<StepId>(step_count + 1);
  return [&order, last](StepId a, StepId b) {
    if (a == b) return false;
    if (a == 0 || b == last) return true;   // inputs are copied in before, outputs out after, every step
    if (b == 0 || a == last) return false;
    return order.happens_before(a - 1, b - 1);
  };
}

}  // namespace ramiel::runtime
