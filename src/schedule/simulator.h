#pragma once
/// \file
/// Discrete-event simulation of a Plan: when every step starts and finishes, given the task costs
/// and what a cross-worker hand-off costs. Scores alternative schedules and feeds the Gantt chart.
///
/// Model: a worker runs its steps back to back; a step starts when the previous step of its worker
/// has finished and every dependency delivered to it has arrived (producer finish plus
/// CommModel::edge_ms of the dependency's bytes). A clone costs what the node costs; a slice
/// costs what the SliceCostFn says (the node's cost divided by the slice count when none is given).

#include <vector>

#include "schedule/comm_model.h"
#include "schedule/plan.h"
#include "schedule/slice_costs.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// When one step runs.
struct StepTiming {
  double start_ms = 0;   ///< Start time from the beginning of the run.
  double finish_ms = 0;  ///< Finish time.
};

/// An interval in which a worker waits before its next step.
struct IdleGap {
  double start_ms = 0;  ///< When the wait begins (previous step finished, or 0).
  double end_ms = 0;    ///< When the next step starts.
};

/// Result of simulating a plan.
struct Simulation {
  double makespan_ms = 0;                        ///< When the last step finishes.
  std::vector<std::vector<StepTiming>> steps;    ///< [worker][step] start/finish times.
  std::vector<double> busy_ms;                   ///< Per worker: time spent running steps.
  std::vector<std::vector<IdleGap>> idle_gaps;   ///< Per worker: waits before steps (not the tail after its last step).
  double sync_delay_ms = 0;                      ///< Sum over dependencies of their hand-off cost.

  /// Per worker: makespan minus busy time (waits plus the tail after its last step).
  double idle_ms(size_t worker) const { return makespan_ms - busy_ms[worker]; }
};

/// Simulates `plan`; kSlice steps cost slice_ms(node, slice_count) (the node's cost divided by the
/// slice count if slice_ms is empty). O(steps + dependencies + workers), plus one slice_ms call per
/// slice step. Throws kInvalidArgument if a step or dependency refers to something missing, the
/// plan deadlocks, or slice_ms says a sliced node cannot be split that way.
Simulation simulate(const TaskGraph& graph, const Plan& plan, const CommModel& comm, const SliceCostFn& slice_ms = {});

/// Cost of one step of `plan`: the node's cost for kRun and kClone; for kSlice slice_ms(node,
/// slice_count), or the node's cost divided by the slice count if slice_ms is empty. Throws
/// kInvalidArgument for a node the graph lacks or a slice slice_ms rejects (negative cost).
double step_cost_ms(const TaskGraph& graph, const Step& step, const SliceCostFn& slice_ms = {});

}  // namespace ramiel::schedule
