#pragma once
/// \file
/// Merging clusters whose execution spans do not overlap (Das & Rauchwerger's cluster merging):
/// two clusters that never run at the same time can share a worker without delaying each other,
/// and the edges between them stop costing a hand-off.

#include <vector>

#include "schedule/clustering.h"
#include "schedule/comm_model.h"
#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// When each cluster runs if every cluster has a worker of its own.
struct ClusterSpans {
  std::vector<double> start_ms;   ///< Start of the cluster's first task.
  std::vector<double> finish_ms;  ///< Finish of its last task.
  double makespan_ms = 0;         ///< Finish of the last task overall.
};

/// Simulates one worker per cluster (tasks in cluster order, the simulator's rules: a task starts
/// when its cluster's previous task has finished and its inputs have arrived, with a hand-off for
/// inputs from other clusters) and returns each cluster's span. O(tasks + edges).
ClusterSpans cluster_spans(const TaskGraph& graph, const Clustering& clustering, const CommModel& comm);

/// Repeatedly merges clusters whose spans do not overlap until no merge is possible (or
/// `max_rounds` rounds). Each round simulates the current clusters, sorts them by start and packs
/// them into tracks: a cluster joins the track that became free latest but no later than the
/// cluster starts (best fit), so the number of tracks is the largest number of clusters running at
/// once. A merged cluster runs its parts one after the other. Merging never delays a task (the
/// merged cluster's parts already ran one after the other, and only hand-offs disappear), so the
/// makespan with one worker per cluster never grows. Sets `rounds` to the number of rounds that
/// merged something. O(rounds * (tasks + edges + clusters log clusters)).
Clustering merge_disjoint_clusters(const TaskGraph& graph, const Clustering& clustering, const CommModel& comm,
                                   int max_rounds = 16, int* rounds = nullptr);

}  // namespace ramiel::schedule
