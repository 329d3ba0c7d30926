#pragma once
/// \file
/// Critical-path linear clustering (Kim & Browne; the first step of Das & Rauchwerger): take the
/// heaviest path among the tasks not yet clustered, make it a cluster, repeat until every task is
/// in one. The result is a set of chains; the first is the critical path.

#include "schedule/clustering.h"
#include "schedule/comm_model.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// Work counters of one linear_clustering() run, to check its complexity in practice.
struct LinearClusteringStats {
  size_t bottom_level_updates = 0;  ///< Times a task's remaining longest path was recomputed after a removal.
  size_t heap_pops = 0;             ///< Candidate path starts examined (remaining sources, re-queued stale entries).
};

/// Linear clustering of `graph`. A path's weight is the cost of its tasks plus comm.edge_ms of
/// each edge on it (an edge between two unclustered tasks is, so far, a cross-cluster edge).
///
/// Instead of recomputing the longest path from scratch after each removal (O(clusters *
/// (tasks + edges)), quadratic on wide graphs) it keeps every unclustered task's bottom level
/// (heaviest path starting at it within the unclustered tasks). The heaviest remaining path starts
/// at a task without unclustered predecessors (a predecessor would extend it), so a max-heap holds
/// only those remaining sources, about as many as the graph is wide. The path follows, at each
/// step, the successor that realises the bottom level. After a path is removed only the ancestors
/// whose bottom level ran through it are recomputed, in reverse topological order, stopping where a
/// value does not change. Levels only decrease, so heap keys are left stale (too high) and a task
/// is re-queued only when it reaches the top with a stale key; a top entry with a current key is
/// then the true maximum. Cost: O((tasks + edges) + (sources + requeues) log width) plus
/// O(out-degree) per recomputed bottom level; a task is recomputed only when a path through its
/// best successor is removed, which on layered, series-parallel and ML graphs is a small multiple
/// of the task count (see stats and the benchmark). Result identical to the from-scratch algorithm.
/// Ties go to the lower task id, so the result is deterministic.
Clustering linear_clustering(const TaskGraph& graph, const CommModel& comm, LinearClusteringStats* stats = nullptr);

}  // namespace ramiel::schedule
