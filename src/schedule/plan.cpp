#include "schedule/plan.h"

#include <unordered_map>

#include "ramiel/error.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

std::string_view to_string(StepKind kind) {
  switch (kind) {
    case StepKind::kRun: return "run";
    case StepKind::kClone: return "clone";
    case StepKind::kSlice: return "slice";
  }
  return "?";
}

size_t Plan::step_count() const {
  size_t count = 0;
  for (const WorkerProgram& w : workers) count += w.steps.size();
  return count;
}

size_t Plan::clone_count() const {
  size_t count = 0;
  for (const WorkerProgram& w : workers) {
    for (const Step& s : w.steps) count += s.kind == StepKind::kClone ? 1 : 0;
  }
  return count;
}

namespace {

/// Where one piece of a node's output is computed (the whole node, or one slice).
struct Piece {
  int32_t worker;
  int32_t step;
};

std::string at(int32_t worker, int32_t step) {
  return "worker " + std::to_string(worker) + " step " + std::to_string(step);
}

}  // namespace

std::optional<std::string> find_plan_problem(const Plan& plan, const TaskGraph& graph) {
  const size_t n = graph.task_count();
  const int32_t workers = plan.worker_count();
  if (workers < 1) return "plan has no workers";
  std::vector<int64_t> step_base(static_cast<size_t>(workers) + 1, 0);
  for (int32_t w = 0; w < workers; ++w) {
    step_base[static_cast<size_t>(w) + 1] = step_base[static_cast<size_t>(w)] + static_cast<int64_t>(plan.workers[static_cast<size_t>(w)].steps.size());
  }
  const int64_t total_steps = step_base.back();

  // 1. Steps name tasks; every task runs exactly once (whole or as a complete set of slices).
  std::vector<TaskId> task_of_step(static_cast<size_t>(total_steps));
  std::vector<Piece> run_at(n, Piece{-1, -1});
  std::unordered_map<TaskId, std::vector<Piece>> slices;
  for (int32_t w = 0; w < workers; ++w) {
    const std::vector<Step>& steps = plan.workers[static_cast<size_t>(w)].steps;
    for (int32_t s = 0; s < static_cast<int32_t>(steps.size()); ++s) {
      const Step& step = steps[static_cast<size_t>(s)];
      TaskId t = graph.task_of(step.node);
      if (t == ir::kNone) return at(w, s) + " names node " + std::to_string(step.node) + ", which the graph does not have";
      task_of_step[static_cast<size_t>(step_base[static_cast<size_t>(w)] + s)] = t;
      if (step.kind == StepKind::kRun) {
        if (run_at[static_cast<size_t>(t)].worker >= 0 || slices.count(t)) return "node " + graph.name(t) + " runs more than once (again at " + at(w, s) + ")";
        run_at[static_cast<size_t>(t)] = {w, s};
      } else if (step.kind == StepKind::kSlice) {
        if (step.slice_count < 1 || step.slice_index < 0 || step.slice_index >= step.slice_count) {
          return at(w, s) + " has slice " + std::to_string(step.slice_index) + " of " + std::to_string(step.slice_count);
        }
        if (run_at[static_cast<size_t>(t)].worker >= 0) return "node " + graph.name(t) + " both runs whole and in slices";
        std::vector<Piece>& pieces = slices[t];
        if (pieces.empty()) pieces.assign(static_cast<size_t>(step.slice_count), Piece{-1, -1});
        if (pieces.size() != static_cast<size_t>(step.slice_count)) return "node " + graph.name(t) + " is split inconsistently at " + at(w, s);
        if (pieces[static_cast<size_t>(step.slice_index)].worker >= 0) return "slice " + std::to_string(step.slice_index) + " of node " + graph.name(t) + " runs twice";
        pieces[static_cast<size_t>(step.slice_index)] = {w, s};
      } else if (step.kind != StepKind::kClone) {
        return at(w, s) + " has an unknown step kind";
      }
    }
  }
  for (size_t t = 0; t < n; ++t) {
    TaskId task = static_cast<TaskId>(t);
    if (run_at[t].worker >= 0) continue;
    auto it = slices.find(task);
    if (it == slices.end()) return "node " + graph.name(task) + " never runs";
    for (size_t i = 0; i < it->second.size(); ++i) {
      if (it->second[i].worker < 0) return "slice " + std::to_string(i) + " of node " + graph.name(task) + " never runs";
    }
  }
  auto pieces_of = [&](TaskId t) -> std::vector<Piece> {
    if (run_at[static_cast<size_t>(t)].worker >= 0) return {run_at[static_cast<size_t>(t)]};
    return slices.at(t);
  };

  // 2. Dependencies are well formed; index them by (producing step, consumer worker).
  std::unordered_map<int64_t, int32_t> earliest_delivery;  // key: global producing step * workers + to_worker
  for (size_t i = 0; i < plan.dependencies.size(); ++i) {
    const CrossDependency& d = plan.dependencies[i];
    std::string which = "dependency " + std::to_string(i);
    if (d.from_worker < 0 || d.from_worker >= workers || d.to_worker < 0 || d.to_worker >= workers) return which + " names a missing worker";
    if (d.from_worker == d.to_worker) return which + " stays on worker " + std::to_string(d.from_worker);
    const auto& from_steps = plan.workers[static_cast<size_t>(d.from_worker)].steps;
    const auto& to_steps = plan.workers[static_cast<size_t>(d.to_worker)].steps;
    if (d.from_step < 0 || d.from_step >= static_cast<int32_t>(from_steps.size()) || d.to_step < 0 ||
        d.to_step >= static_cast<int32_t>(to_steps.size())) {
      return which + " names a missing step";
    }
    const Step& producer = from_steps[static_cast<size_t>(d.from_step)];
    if (producer.kind == StepKind::kClone) return which + " delivers from a clone (" + at(d.from_worker, d.from_step) + ")";
    if (producer.node != d.producer) return which + " says node " + std::to_string(d.producer) + " but its step runs node " + std::to_string(producer.node);
    int64_t key = (step_base[static_cast<size_t>(d.from_worker)] + d.from_step) * workers + d.to_worker;
    auto [it, inserted] = earliest_delivery.emplace(key, d.to_step);
    if (!inserted && d.to_step < it->second) it->second = d.to_step;
  }

  // 3. Every step's inputs: a local earlier instance, or a delivery no later than the step.
  std::vector<int32_t> local_worker(n, -1);  // worker on which the task was last seen fully computed
  std::vector<int32_t> clone_worker(n, -1);
  std::vector<uint8_t> local_is_clone(n, 0);  // the instance local_worker holds is a clone
  for (int32_t w = 0; w < workers; ++w) {
    const std::vector<Step>& steps = plan.workers[static_cast<size_t>(w)].steps;
    for (int32_t s = 0; s < static_cast<int32_t>(steps.size()); ++s) {
      const Step& step = steps[static_cast<size_t>(s)];
      TaskId v = task_of_step[static_cast<size_t>(step_base[static_cast<size_t>(w)] + s)];
      if (step.kind == StepKind::kClone) {
        if (!graph.cloneable(v)) return "node " + graph.name(v) + " has side effects but is cloned at " + at(w, s);
        if (clone_worker[static_cast<size_t>(v)] == w) return "node " + graph.name(v) + " is cloned twice on worker " + std::to_string(w);
        if (run_at[static_cast<size_t>(v)].worker == w) return "node " + graph.name(v) + " is cloned on the worker that runs it (" + at(w, s) + ")";
        clone_worker[static_cast<size_t>(v)] = w;
      }
      for (EdgeId e : graph.in_edges(v)) {
        TaskId u = graph.edge(e).from;
        // The slices of a node are one node at run time, spread over workers: they read the
        // original outputs, never a clone on their worker.
        if (local_worker[static_cast<size_t>(u)] == w && !(step.kind == StepKind::kSlice && local_is_clone[static_cast<size_t>(u)])) continue;
        for (const Piece& p : pieces_of(u)) {
          if (p.worker == w) {
            if (p.step < s) continue;
            return at(w, s) + " (" + graph.name(v) + ") reads " + graph.name(u) + " before its own worker computes it";
          }
          auto it = earliest_delivery.find((step_base[static_cast<size_t>(p.worker)] + p.step) * workers + w);
          if (it == earliest_delivery.end() || it->second > s) {
            return at(w, s) + " (" + graph.name(v) + ") needs " + graph.name(u) + " from " + at(p.worker, p.step) +
                   " but no dependency delivers it in time";
          }
        }
      }
      if (step.kind != StepKind::kSlice) {
        local_worker[static_cast<size_t>(v)] = w;
        local_is_clone[static_cast<size_t>(v)] = step.kind == StepKind::kClone ? 1 : 0;
      }
    }
  }

  // 4. Deadlock freedom: program order plus dependencies must be acyclic (Kahn's algorithm).
  std::vector<int32_t> indegree(static_cast<size_t>(total_steps), 0);
  std::vector<std::vector<int64_t>> waiters(static_cast<size_t>(total_steps));
  for (const CrossDependency& d : plan.dependencies) {
    int64_t from = step_base[static_cast<size_t>(d.from_worker)] + d.from_step;
    int64_t to = step_base[static_cast<size_t>(d.to_worker)] + d.to_step;
    waiters[static_cast<size_t>(from)].push_back(to);
    ++indegree[static_cast<size_t>(to)];
  }
  std::vector<int64_t> ready;
  for (int32_t w = 0; w < workers; ++w) {
    int64_t first = step_base[static_cast<size_t>(w)];
    if (first < step_base[static_cast<size_t>(w) + 1] && indegree[static_cast<size_t>(first)] == 0) ready.push_back(first);
  }
  std::vector<int32_t> worker_of(static_cast<size_t>(total_steps));
  for (int32_t w = 0; w < workers; ++w) {
    for (int64_t i = step_base[static_cast<size_t>(w)]; i < step_base[static_cast<size_t>(w) + 1]; ++i) worker_of[static_cast<size_t>(i)] = w;
  }
  // Program-order edges count as one extra in-degree for every step but a worker's first.
  for (int32_t w = 0; w < workers; ++w) {
    for (int64_t i = step_base[static_cast<size_t>(w)] + 1; i < step_base[static_cast<size_t>(w) + 1]; ++i) ++indegree[static_cast<size_t>(i)];
  }
  int64_t done = 0;
  auto release = [&](int64_t i) {
    if (--indegree[static_cast<size_t>(i)] == 0) ready.push_back(i);
  };
  while (!ready.empty()) {
    int64_t i = ready.back();
    ready.pop_back();
    ++done;
    for (int64_t to : waiters[static_cast<size_t>(i)]) release(to);
    if (i + 1 < step_base[static_cast<size_t>(worker_of[static_cast<size_t>(i)]) + 1]) release(i + 1);
  }
  if (done != total_steps) return "plan deadlocks: program order plus dependencies has a cycle";
  return std::nullopt;
}

void validate(const Plan& plan, const TaskGraph& graph) {
  if (std::optional<std::string> problem = find_plan_problem(plan, graph)) {
    throw Error(ErrorKind::kInvalidArgument, "invalid plan: " + *problem);
  }
}

}  // namespace ramiel::schedule
