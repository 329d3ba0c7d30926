#pragma once
/// \file
/// A partition of the tasks into clusters, each an ordered list of tasks meant to run on one
/// worker in that order. Linear clustering produces chains; merging joins clusters.

#include <cstdint>
#include <vector>

#include "schedule/task_graph.h"

namespace ramiel::schedule {

/// Clusters of tasks.
struct Clustering {
  std::vector<std::vector<TaskId>> clusters;  ///< Members of each cluster, in execution order.
  std::vector<int32_t> cluster_of;            ///< Cluster of each task, indexed by TaskId.

  /// Number of clusters.
  size_t size() const { return clusters.size(); }
};

/// Recomputes `clustering.cluster_of` from `clustering.clusters` for a graph of `task_count` tasks.
void index_clusters(Clustering& clustering, size_t task_count);

}  // namespace ramiel::schedule
