#pragma once
/// \file
/// The serial executor: runs a Program's steps in order on the calling thread.

#include <vector>

#include "runtime/program.h"

namespace ramiel::runtime {

/// Runs every step of `program` in order on the calling thread (pinned to one OpenMP thread for
/// the duration). Errors are re-thrown tagged with the failing node's name and op.
void run_serial(Program& program, const ir::Graph& graph);

/// As run_serial(), and adds each step's wall time in milliseconds to `step_ms` (sized to the steps).
void run_serial_profiled(Program& program, const ir::Graph& graph, std::vector<double>& step_ms);

/// Runs step `index` of `program` and propagates dynamically shaped outputs to their consumers.
/// Shared by the executors.
void run_step(Program& program, const ir::Graph& graph, size_t index);

}  // namespace ramiel::runtime
