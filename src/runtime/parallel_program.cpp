#include "runtime/parallel_program.h"

#include <algorithm>
#include <string>

#include "ramiel/error.h"

namespace ramiel::runtime {

StaticSchedule schedule_program(const Program& program, const NodeSchedule& schedule, size_t node_count) {
  const size_t steps = program.steps.size();
  std::vector<int> worker_of_node(node_count, -1);
  for (size_t w = 0; w < schedule.workers.size(); ++w) {
    for (ir::NodeId n : schedule.workers[w]) {
      if (n < 0 || static_cast<size_t>(n) >= node_count) throw Error(ErrorKind::kInvalidArgument, "schedule names node " + std::to_string(n) + ", which does not exist");
      if (worker_of_node[static_cast<size_t>(n)] >= 0) throw Error(ErrorKind::kInvalidArgument, "schedule runs node " + std::to_string(n) + " twice");
      worker_of_node[static_cast<size_t>(n)] = static_cast<int>(w);
    }
  }
  // Steps of each node, in program order.
  std::vector<std::vector<TaskId>> steps_of_node(node_count);
  for (size_t s = 0; s < steps; ++s) {
    ir::NodeId n = program.steps[s].node;
    if (worker_of_node[static_cast<size_t>(n)] < 0) {
      throw Error(ErrorKind::kInvalidArgument, "schedule does not run node " + std::to_string(n) + " (" + program.steps[s].op + ")");
    }
    steps_of_node[static_cast<size_t>(n)].push_back(static_cast<TaskId>(s));
  }
  StaticSchedule result;
  result.worker_tasks.resize(schedule.workers.size());
  result.waits.resize(steps);
  std::vector<int> worker_of_step(steps, 0);
  for (size_t w = 0; w < schedule.workers.size(); ++w) {
    for (ir::NodeId n : schedule.workers[w]) {
      for (TaskId s : steps_of_node[static_cast<size_t>(n)]) {
        result.worker_tasks[w].push_back(s);
        worker_of_step[static_cast<size_t>(s)] = static_cast<int>(w);
      }
    }
  }
  // Writer step of every slot; a view slot's data is written by its base slot's writer.
  std::vector<int> writer(program.slots.size(), -1);
  for (size_t s = 0; s < steps; ++s) {
    for (int o : program.steps[s].outputs) if (o >= 0) writer[static_cast<size_t>(o)] = static_cast<int>(s);
  }
  auto real_writer = [&](int slot) {
    while (slot >= 0 && program.slots[static_cast<size_t>(slot)].view_of >= 0 && writer[static_cast<size_t>(slot)] >= 0 &&
           program.steps[static_cast<size_t>(writer[static_cast<size_t>(slot)])].skip) {
      slot = program.slots[static_cast<size_t>(slot)].view_of;
    }
    return slot >= 0 ? writer[static_cast<size_t>(slot)] : -1;
  };
  for (size_t s = 0; s < steps; ++s) {
    auto& waits = result.waits[s];
    for (int in : program.steps[s].inputs) {
      if (in < 0) continue;
      int w = real_writer(in);
      if (w >= 0 && worker_of_step[static_cast<size_t>(w)] != worker_of_step[s] &&
          std::find(waits.begin(), waits.end(), w) == waits.end()) {
        waits.push_back(w);
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
