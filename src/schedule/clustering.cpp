#include "schedule/clustering.h"

namespace ramiel::schedule {

void index_clusters(Clustering& clustering, size_t task_count) {
  clustering.cluster_of.assign(task_count, -1);
  for (size_t c = 0; c < clustering.clusters.size(); ++c) {
    for (TaskId t : clustering.clusters[c]) clustering.cluster_of[static_cast<size_t>(t)] = static_cast<int32_t>(c);
  }
}

}  // namespace ramiel::schedule
