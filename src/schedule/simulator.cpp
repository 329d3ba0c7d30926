#include "schedule/simulator.h"

#include <algorithm>

#include "ramiel/error.h"

namespace ramiel::schedule {

double step_cost_ms(const TaskGraph& graph, const Step& step, const SliceCostFn& slice_ms) {
  TaskId t = graph.task_of(step.node);
  if (t == ir::kNone) throw Error(ErrorKind::kInvalidArgument, "plan step names node " + std::to_string(step.node) + ", which the graph does not have");
  double cost = graph.cost_ms(t);
  if (step.kind != StepKind::kSlice) return cost;
  if (!slice_ms || step.slice_count <= 1) return cost / std::max(step.slice_count, 1);
  const double slice = slice_ms(step.node, step.slice_count);
  if (!(slice >= 0)) {
    throw Error(ErrorKind::kInvalidArgument, "plan splits node " + graph.name(t) + " into " + std::to_string(step.slice_count) +
                                                 " slices, which its slice costs do not allow");
  }
  return slice;
}

Simulation simulate(const TaskGraph& graph, const Plan& plan, const CommModel& comm, const SliceCostFn& slice_ms) {
  const size_t workers = plan.workers.size();
  Simulation sim;
  sim.steps.resize(workers);
  sim.busy_ms.assign(workers, 0.0);
  sim.idle_gaps.resize(workers);
  std::vector<int64_t> base(workers + 1, 0);
  for (size_t w = 0; w < workers; ++w) {
    base[w + 1] = base[w] + static_cast<int64_t>(plan.workers[w].steps.size());
    sim.steps[w].resize(plan.workers[w].steps.size());
  }
  // Incoming dependencies of each step, CSR by global step index.
  const size_t total = static_cast<size_t>(base[workers]);
  std::vector<int64_t> in_offset(total + 1, 0);
  for (const CrossDependency& d : plan.dependencies) {
    if (d.from_worker < 0 || static_cast<size_t>(d.from_worker) >= workers || d.to_worker < 0 ||
        static_cast<size_t>(d.to_worker) >= workers || d.from_step < 0 || d.to_step < 0 ||
        d.from_step >= static_cast<int32_t>(plan.workers[static_cast<size_t>(d.from_worker)].steps.size()) ||
        d.to_step >= static_cast<int32_t>(plan.workers[static_cast<size_t>(d.to_worker)].steps.size())) {
      throw Error(ErrorKind::kInvalidArgument, "plan dependency names a missing worker or step");
    }
    ++in_offset[static_cast<size_t>(base[static_cast<size_t>(d.to_worker)] + d.to_step) + 1];
    sim.sync_delay_ms += comm.edge_ms(d.bytes);
  }
  for (size_t i = 0; i < total; ++i) in_offset[i + 1] += in_offset[i];
  std::vector<int32_t> incoming(plan.dependencies.size());
  {
    std::vector<int64_t> fill(in_offset.begin(), in_offset.end() - 1);
    for (size_t i = 0; i < plan.dependencies.size(); ++i) {
      const CrossDependency& d = plan.dependencies[i];
      incoming[static_cast<size_t>(fill[static_cast<size_t>(base[static_cast<size_t>(d.to_worker)] + d.to_step)]++)] = static_cast<int32_t>(i);
    }
  }

  std::vector<int32_t> cursor(workers, 0);      // next step to run
  std::vector<double> free_at(workers, 0.0);    // finish of the previous step
  // Workers blocked on a step, as intrusive lists: first_waiter[global step] -> next_waiter[worker].
  std::vector<int32_t> first_waiter(total, -1);
  std::vector<int32_t> next_waiter(workers, -1);
  std::vector<int32_t> queue;
  queue.reserve(workers);
  for (size_t w = workers; w-- > 0;) queue.push_back(static_cast<int32_t>(w));
  while (!queue.empty()) {
    const size_t w = static_cast<size_t>(queue.back());
    queue.pop_back();
    const std::vector<Step>& steps = plan.workers[w].steps;
    while (cursor[w] < static_cast<int32_t>(steps.size())) {
      const size_t s = static_cast<size_t>(cursor[w]);
      const size_t global = static_cast<size_t>(base[w]) + s;
      double start = free_at[w];
      int64_t blocked_on = -1;
      for (int64_t k = in_offset[global]; k < in_offset[global + 1]; ++k) {
        const CrossDependency& d = plan.dependencies[static_cast<size_t>(incoming[static_cast<size_t>(k)])];
        if (cursor[static_cast<size_t>(d.from_worker)] <= d.from_step) {
          blocked_on = base[static_cast<size_t>(d.from_worker)] + d.from_step;
          break;
        }
        start = std::max(start, sim.steps[static_cast<size_t>(d.from_worker)][static_cast<size_t>(d.from_step)].finish_ms + comm.edge_ms(d.bytes));
      }
      if (blocked_on >= 0) {
        next_waiter[w] = first_waiter[static_cast<size_t>(blocked_on)];
        first_waiter[static_cast<size_t>(blocked_on)] = static_cast<int32_t>(w);
        break;
      }
      double cost = step_cost_ms(graph, steps[s], slice_ms);
      if (start > free_at[w]) sim.idle_gaps[w].push_back({free_at[w], start});
      sim.steps[w][s] = {start, start + cost};
      free_at[w] = start + cost;
      sim.busy_ms[w] += cost;
      ++cursor[w];
      for (int32_t waiter = first_waiter[global]; waiter >= 0; waiter = next_waiter[static_cast<size_t>(waiter)]) queue.push_back(waiter);
      first_waiter[global] = -1;
    }
  }
  for (size_t w = 0; w < workers; ++w) {
    if (cursor[w] < static_cast<int32_t>(plan.workers[w].steps.size())) {
      throw Error(ErrorKind::kInvalidArgument, "plan deadlocks: worker " + std::to_string(w) + " waits forever at step " +
                                                   std::to_string(cursor[w]));
    }
    sim.makespan_ms = std::max(sim.makespan_ms, free_at[w]);
  }
  return sim;
}

}  // namespace ramiel::schedule
