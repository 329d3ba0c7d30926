#include "schedule/cloning.h"

#include <algorithm>
#include <map>
#include <set>

#include "schedule/simulator.h"

namespace ramiel::schedule {

namespace {

/// A dependency worth trying to remove.
struct Candidate {
  TaskId task;
  int32_t worker;
  int32_t step;
  double wait_ms;
};

/// A clone must cut the makespan by at least this fraction: smaller gains drown in run-time noise.
constexpr double kMinGainFraction = 1e-3;

}  // namespace

CloningResult clone_tasks(const TaskGraph& graph, WorkerOrders orders, const CommModel& comm, const CloningOptions& options) {
  CloningResult result;
  const double work = graph.total_work_ms();
  const double max_task_ms = options.max_task_fraction * work;
  double budget_ms = options.budget_fraction * work;
  const double size = static_cast<double>(graph.task_count() + graph.edge_count()) + 1.0;
  const size_t max_evaluations = std::min(options.max_evaluations, static_cast<size_t>(options.evaluation_work / size));

  Plan plan = assemble_plan(graph, orders);
  Simulation sim = simulate(graph, plan, comm);
  result.makespan_ms = sim.makespan_ms;
  std::set<std::pair<TaskId, int32_t>> rejected;  // (task, worker) already tried without gain

  bool accepted = true;
  while (accepted && result.evaluations < max_evaluations && budget_ms > 0) {
    accepted = false;
    std::vector<Candidate> candidates;
    for (const CrossDependency& d : plan.dependencies) {
      TaskId u = graph.task_of(d.producer);
      const size_t w = static_cast<size_t>(d.to_worker);
      double arrival = sim.steps[static_cast<size_t>(d.from_worker)][static_cast<size_t>(d.from_step)].finish_ms + comm.edge_ms(d.bytes);
      double previous = d.to_step > 0 ? sim.steps[w][static_cast<size_t>(d.to_step) - 1].finish_ms : 0.0;
      double start = sim.steps[w][static_cast<size_t>(d.to_step)].start_ms;
      if (arrival <= previous || arrival < start) continue;  // the consumer did not wait for it
      if (!graph.cloneable(u) || graph.cost_ms(u) > max_task_ms || rejected.count({u, d.to_worker})) continue;
      candidates.push_back({u, d.to_worker, d.to_step, arrival - previous});
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) { return a.wait_ms > b.wait_ms; });

    // Where every task is computed: its original, and clones by (task, worker).
    std::vector<int32_t> original_worker(graph.task_count(), -1), original_step(graph.task_count(), -1);
    std::map<std::pair<TaskId, int32_t>, int32_t> clone_step;
    for (size_t w = 0; w < orders.size(); ++w) {
      for (size_t s = 0; s < orders[w].size(); ++s) {
        const PlacedTask& p = orders[w][s];
        if (p.clone) {
          clone_step[{p.task, static_cast<int32_t>(w)}] = static_cast<int32_t>(s);
        } else {
          original_worker[static_cast<size_t>(p.task)] = static_cast<int32_t>(w);
          original_step[static_cast<size_t>(p.task)] = static_cast<int32_t>(s);
        }
      }
    }
    for (const Candidate& c : candidates) {
      if (result.evaluations >= max_evaluations) break;
      std::vector<PlacedTask>& order = orders[static_cast<size_t>(c.worker)];
      // Computed on the worker before the consumer step?
      auto local = [&](TaskId t) {
        if (original_worker[static_cast<size_t>(t)] == c.worker && original_step[static_cast<size_t>(t)] < c.step) return true;
        auto it = clone_step.find({t, c.worker});
        return it != clone_step.end() && it->second < c.step;
      };
      // The clone set: u and its ancestors missing on the worker (depth-first, bounded).
      std::vector<TaskId> closure;
      std::vector<TaskId> stack = {c.task};
      std::set<TaskId> seen = {c.task};
      bool feasible = true;
      double closure_ms = 0;
      while (!stack.empty() && feasible) {
        TaskId t = stack.back();
        stack.pop_back();
        if (!graph.cloneable(t) || graph.cost_ms(t) > max_task_ms || closure.size() >= options.max_closure) {
          feasible = false;
          break;
        }
        closure.push_back(t);
        closure_ms += graph.cost_ms(t);
        for (EdgeId e : graph.in_edges(t)) {
          TaskId p = graph.edge(e).from;
          if (!local(p) && seen.insert(p).second) stack.push_back(p);
        }
      }
      if (!feasible || closure_ms > budget_ms) {
        rejected.insert({c.task, c.worker});
        continue;
      }
      std::sort(closure.begin(), closure.end());  // ascending id is a topological order
      std::vector<PlacedTask> backup = order;
      // A later clone of a closure task on this worker becomes redundant: the new one serves its readers.
      std::set<TaskId> in_closure(closure.begin(), closure.end());
      order.erase(std::remove_if(order.begin() + c.step, order.end(),
                                 [&](const PlacedTask& p) { return p.clone && in_closure.count(p.task); }),
                  order.end());
      std::vector<PlacedTask> inserted;
      for (TaskId t : closure) inserted.push_back({t, true});
      order.insert(order.begin() + c.step, inserted.begin(), inserted.end());
      Plan trial_plan = assemble_plan(graph, orders);
      Simulation trial = simulate(graph, trial_plan, comm);
      ++result.evaluations;
      if (trial.makespan_ms < result.makespan_ms * (1 - kMinGainFraction)) {
        plan = std::move(trial_plan);
        sim = std::move(trial);
        result.makespan_ms = sim.makespan_ms;
        budget_ms += result.cloned_ms;
        result.cloned = 0;
        result.cloned_ms = 0;
        for (const auto& worker_order : orders) {
          for (const PlacedTask& p : worker_order) {
            if (!p.clone) continue;
            ++result.cloned;
            result.cloned_ms += graph.cost_ms(p.task);
          }
        }
        budget_ms -= result.cloned_ms;
        accepted = true;
        break;
      }
      order = std::move(backup);
      rejected.insert({c.task, c.worker});
    }
  }
  result.orders = std::move(orders);
  return result;
}

}  // namespace ramiel::schedule
