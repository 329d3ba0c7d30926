#include "cli/parallel_setup.h"

#include <thread>

#include "ramiel/error.h"
#include "schedule/plan_lowering.h"
#include "schedule/splitting.h"
#include "schedule/task_graph.h"

namespace ramiel::cli {

int default_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

runtime::NodeSchedule to_node_schedule(const schedule::WorkerNodes& workers) {
  runtime::NodeSchedule result;
  result.workers.resize(workers.size());
  for (size_t w = 0; w < workers.size(); ++w) {
    for (const schedule::LoweredStep& step : workers[w]) {
      result.workers[w].push_back(runtime::ScheduledNode(step.node, step.slice_index, step.slice_count));
    }
  }
  return result;
}

ParallelSetup plan_parallel(LoadedModel& model, int threads, bool split) {
  if (threads < 1) throw Error(ErrorKind::kInvalidArgument, "--threads must be at least 1, got " + std::to_string(threads));
  ParallelSetup setup;
  schedule::SchedulerOptions options;
  options.threads = threads;
  if (split) {
    setup.schedule = schedule::compile_hybrid_schedule(model.graph, model.node_ms, slice_cost_fn_for(model), options);
  } else {
    setup.schedule = schedule::compile_schedule(schedule::task_graph_from_ir(model.graph, model.node_ms), options);
  }
  setup.node_schedule = to_node_schedule(schedule::lower_plan(model.graph, setup.schedule.plan));
  return setup;
}

}  // namespace ramiel::cli
