#pragma once
/// \file
/// Random task graphs of given shapes and sizes, for property tests and compile-time benchmarks
/// (no IR needed). Deterministic for a given seed on a given standard library.

#include <cstddef>
#include <cstdint>

#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// Shapes of random DAG.
enum class DagShape {
  kLayered,   ///< Layers of random width; each task reads 1..3 tasks of the layer before (sometimes older ones).
  kForkJoin,  ///< Nested fork/join blocks and chains (series-parallel, like Inception or multi-head attention).
  kWindow,    ///< Each task reads 0..3 random tasks among the previous few dozen (arbitrary sparse DAG).
};

/// A random DAG of `tasks` tasks. Costs: mostly cheap (5..50 us), one in five expensive (0.1..5 ms,
/// log-uniform), a few free; edge bytes 1 KiB..1 MiB. `max_width` bounds layer width (kLayered) and
/// branch count (kForkJoin).
TaskGraph random_dag(DagShape shape, size_t tasks, uint64_t seed, int max_width = 16);

}  // namespace ramiel::schedule
