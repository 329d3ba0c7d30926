#pragma once
/// \file
/// Turning a node-level parallel schedule into a StaticSchedule over a Program's steps, and the
/// happens-before order that the memory planner needs to reuse buffers safely under it.

#include <map>
#include <vector>

#include "runtime/memory_planner.h"
#include "runtime/parallel_executor.h"
#include "runtime/program.h"
#include "runtime/schedule_order.h"

namespace ramiel::runtime {

/// One entry of a worker's list: a whole node, or one slice of a split node.
struct ScheduledNode {
  ir::NodeId node = ir::kNone;  ///< The node.
  int slice = 0;                ///< Which slice (0 for a whole node).
  int slice_count = 1;          ///< Slices the node is split into (1: whole).

  /// A whole node (implicit, so plain node lists read naturally).
  ScheduledNode(ir::NodeId n) : node(n) {}  // NOLINT(google-explicit-constructor)
  /// Slice `index` of `count` of node `n`.
  ScheduledNode(ir::NodeId n, int index, int count) : node(n), slice(index), slice_count(count) {}
};

/// What the runtime needs of a parallel plan: which worker runs each node (or each slice of a split
/// node), in which order. (The scheduler's Plan reduces to this once clones are materialised as
/// graph nodes.)
struct NodeSchedule {
  std::vector<std::vector<ScheduledNode>> workers;  ///< Per worker, its nodes and slices in run order.

  /// Nodes listed as slices: node -> slice count (what the program must split).
  std::map<ir::NodeId, int> split_nodes() const;
};

/// Tasks = program steps (task i is program.steps[i]). A node's steps (its kernel and layout
/// conversions) run on the node's worker in program order; the slices of a split node run where
/// the schedule lists each slice, and the node's other steps (layout conversions of its output)
/// with slice 0. A step waits for every step that wrote each of its inputs (through views, to the
/// real writers; all slices of a split producer) when that one runs on another worker. A node the
/// schedule splits but the program runs whole (its kernel could not split) runs at slice 0's place.
/// Throws kInvalidArgument if a node with steps is missing from `schedule`, listed twice, split
/// inconsistently, or if the result could deadlock.
StaticSchedule schedule_program(const Program& program, const NodeSchedule& schedule, size_t node_count);

/// The happens-before relation over the memory planner's step ids (0: inputs copied in, s + 1:
/// program.steps[s], steps + 1: outputs copied out) under `order`.
HappensBefore program_happens_before(const ScheduleOrder& order, size_t step_count);

}  // namespace ramiel::runtime
