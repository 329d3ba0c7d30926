#include "cli/parallel_setup.h"

#include <thread>

#include "ramiel/error.h"
#include "schedule/plan_lowering.h"
#include "schedule/task_graph.h"

namespace ramiel::cli {

int default_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

ParallelSetup plan_parallel(LoadedModel& model, int threads) {
  if (threads < 1) throw Error(ErrorKind::kInvalidArgument, "--threads must be at least 1, got " + std::to_string(threads));
  ParallelSetup setup;
  schedule::SchedulerOptions options;
  options.threads = threads;
  setup.schedule = schedule::compile_schedule(schedule::task_graph_from_ir(model.graph, model.node_ms), options);
  setup.node_schedule.workers = schedule::lower_plan(model.graph, setup.schedule.plan);
  return setup;
}

}  // namespace ramiel::cli
