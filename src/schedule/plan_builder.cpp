#include "schedule/plan_builder.h"

#include <algorithm>

#include "ramiel/error.h"

namespace ramiel::schedule {

Plan assemble_plan(const TaskGraph& graph, const WorkerOrders& orders) {
  const size_t n = graph.task_count();
  Plan plan;
  plan.workers.resize(std::max<size_t>(orders.size(), 1));
  std::vector<int32_t> run_worker(n, -1), run_step(n, -1);
  for (size_t w = 0; w < orders.size(); ++w) {
    plan.workers[w].steps.reserve(orders[w].size());
    for (size_t s = 0; s < orders[w].size(); ++s) {
      const PlacedTask& p = orders[w][s];
      plan.workers[w].steps.push_back({p.clone ? StepKind::kClone : StepKind::kRun, graph.node_of(p.task)});
      if (!p.clone) {
        run_worker[static_cast<size_t>(p.task)] = static_cast<int32_t>(w);
        run_step[static_cast<size_t>(p.task)] = static_cast<int32_t>(s);
      }
    }
  }
  std::vector<int32_t> local_worker(n, -1);    // worker that has computed the task so far
  std::vector<int32_t> delivered_to(n, -1);    // worker that already receives the task's outputs
  std::vector<size_t> dependency_of(n, 0);     // that delivery's index in plan.dependencies
  for (size_t w = 0; w < orders.size(); ++w) {
    const int32_t worker = static_cast<int32_t>(w);
    for (size_t s = 0; s < orders[w].size(); ++s) {
      TaskId v = orders[w][s].task;
      for (EdgeId e : graph.in_edges(v)) {
        const TaskEdge& edge = graph.edge(e);
        const size_t u = static_cast<size_t>(edge.from);
        if (local_worker[u] == worker) continue;
        if (run_worker[u] < 0 || run_worker[u] == worker) {
          throw Error(ErrorKind::kInternal, "schedule reads " + graph.name(edge.from) + " in " + graph.name(v) +
                                                " before worker " + std::to_string(w) + " computes it");
        }
        std::span<const ir::ValueId> values = graph.edge_values(e);
        if (delivered_to[u] == worker) {
          CrossDependency& d = plan.dependencies[dependency_of[u]];
          d.bytes = std::max(d.bytes, edge.bytes);
          for (ir::ValueId value : values) {
            if (std::find(d.values.begin(), d.values.end(), value) == d.values.end()) d.values.push_back(value);
          }
          continue;
        }
        CrossDependency d;
        d.producer = graph.node_of(edge.from);
        d.values.assign(values.begin(), values.end());
        d.bytes = edge.bytes;
        d.from_worker = run_worker[u];
        d.from_step = run_step[u];
        d.to_worker = worker;
        d.to_step = static_cast<int32_t>(s);
        delivered_to[u] = worker;
        dependency_of[u] = plan.dependencies.size();
        plan.dependencies.push_back(std::move(d));
      }
      local_worker[static_cast<size_t>(v)] = worker;
    }
  }
  // Generated in (to_worker, to_step) order already; settle ties by the producing step.
  auto& deps = plan.dependencies;
  for (size_t i = 0; i < deps.size();) {
    size_t j = i + 1;
    while (j < deps.size() && deps[j].to_worker == deps[i].to_worker && deps[j].to_step == deps[i].to_step) ++j;
    if (j - i > 1) {
      std::sort(deps.begin() + static_cast<std::ptrdiff_t>(i), deps.begin() + static_cast<std::ptrdiff_t>(j),
                [](const CrossDependency& a, const CrossDependency& b) {
                  return a.from_worker != b.from_worker ? a.from_worker < b.from_worker : a.from_step < b.from_step;
                });
    }
    i = j;
  }
  for (CrossDependency& d : plan.dependencies) std::sort(d.values.begin(), d.values.end());
  return plan;
}

WorkerOrders serial_orders(const TaskGraph& graph) {
  WorkerOrders orders(1);
  orders[0].reserve(graph.task_count());
  for (size_t t = 0; t < graph.task_count(); ++t) orders[0].push_back({static_cast<TaskId>(t), false});
  return orders;
}

}  // namespace ramiel::schedule
