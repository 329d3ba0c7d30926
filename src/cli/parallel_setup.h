#pragma once
/// \file
/// From a loaded model to a parallel session: schedule the graph on P workers, lower the plan
/// (clones become nodes) and describe it for the runtime. Shared by `run` and `bench`.

#include <optional>

#include "cli/model_loading.h"
#include "runtime/parallel_program.h"
#include "schedule/plan_lowering.h"
#include "schedule/scheduler.h"

namespace ramiel::cli {

/// A plan ready for the runtime.
struct ParallelSetup {
  schedule::Schedule schedule;           ///< The scheduler's result (plan, simulation, stats).
  runtime::NodeSchedule node_schedule;   ///< Per worker, its nodes (clones lowered into the graph).
};

/// Number of logical cores (the default --threads).
int default_threads();

/// Schedules `model` on at most `threads` workers and lowers the plan into `model.graph`
/// (which gains the clone nodes). With `split`, the hybrid scheduler may also split nodes into
/// slices (slice_cost_fn_for(model)); without, branch parallelism only. Throws kInvalidArgument
/// for threads < 1.
ParallelSetup plan_parallel(LoadedModel& model, int threads, bool split = true);

/// The runtime's form of a lowered plan (one ScheduledNode per step, slices kept).
runtime::NodeSchedule to_node_schedule(const schedule::WorkerNodes& workers);

}  // namespace ramiel::cli
