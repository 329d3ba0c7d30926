#pragma once
/// \file
/// Turning a node-level parallel schedule into a StaticSchedule over a Program's steps, and the
/// happens-before order that the memory planner needs to reuse buffers safely under it.

#include <vector>

#include "runtime/memory_planner.h"
#include "runtime/parallel_executor.h"
#include "runtime/program.h"
#include "runtime/schedule_order.h"

namespace ramiel::runtime {

/// What the runtime needs of a parallel plan: which worker runs each node, in which order.
/// (The scheduler's Plan reduces to this once clones are materialised as graph nodes.)
struct NodeSchedule {
  std::vector<std::vector<ir::NodeId>> workers;  ///< Per worker, its nodes in run order.
};

/// Tasks = program steps (task i is program.steps[i]). A node's steps (its kernel and layout
/// conversions) run on the node's worker in program order; a step waits for the step that wrote
/// each of its inputs (through views, to the real writer) when that one runs on another worker.
/// Throws kInvalidArgument if a node with steps is missing from `schedule` or listed twice, or if
/// the result could deadlock.
StaticSchedule schedule_program(const Program& program, const NodeSchedule& schedule, size_t node_count);

/// The happens-before relation over the memory planner's step ids (0: inputs copied in, s + 1:
/// program.steps[s], steps + 1: outputs copied out) under `order`.
HappensBefore program_happens_before(const ScheduleOrder& order, size_t step_count);

}  // namespace ramiel::runtime
