#include "schedule/linear_clustering.h"

#include <gtest/gtest.h>

#include "schedule/cluster_merging.h"
#include "schedule/random_dag.h"
#include "task_graphs.h"

namespace ramiel::schedule {
namespace {

using testing::chain;
using testing::free_comm;
using testing::make_graph;

/// The textbook algorithm: recompute every bottom level from scratch after each removal,
/// O(clusters * (tasks + edges)). Same tie-breaking as the incremental one (lower id first).
Clustering naive_linear_clustering(const TaskGraph& g, const CommModel& comm) {
  const size_t n = g.task_count();
  std::vector<uint8_t> assigned(n, 0);
  std::vector<double> bottom(n, 0.0);
  Clustering result;
  result.cluster_of.assign(n, -1);
  size_t remaining = n;
  while (remaining > 0) {
    for (size_t i = n; i-- > 0;) {
      if (assigned[i]) continue;
      double best = 0;
      bool any = false;
      for (EdgeId e : g.out_edges(static_cast<TaskId>(i))) {
        const size_t s = static_cast<size_t>(g.edge(e).to);
        if (assigned[s]) continue;
        double via = comm.edge_ms(g.edge(e).bytes) + bottom[s];
        if (!any || via > best) best = via;
        any = true;
      }
      bottom[i] = g.cost_ms(static_cast<TaskId>(i)) + best;
    }
    TaskId start = -1;
    for (size_t i = 0; i < n; ++i) {
      if (!assigned[i] && (start < 0 || bottom[i] > bottom[static_cast<size_t>(start)])) start = static_cast<TaskId>(i);
    }
    std::vector<TaskId> path;
    for (TaskId t = start; t >= 0;) {
      path.push_back(t);
      assigned[static_cast<size_t>(t)] = 1;
      TaskId next = -1;
      double best = 0;
      for (EdgeId e : g.out_edges(t)) {
        const size_t s = static_cast<size_t>(g.edge(e).to);
        if (assigned[s]) continue;
        double via = comm.edge_ms(g.edge(e).bytes) + bottom[s];
        if (next < 0 || via > best) {
          best = via;
          next = static_cast<TaskId>(s);
        }
      }
      t = next;
    }
    for (TaskId t : path) result.cluster_of[static_cast<size_t>(t)] = static_cast<int32_t>(result.clusters.size());
    remaining -= path.size();
    result.clusters.push_back(path);
  }
  return result;
}

/// Every task in exactly one cluster, and every cluster a path of the DAG.
void expect_partition_into_paths(const TaskGraph& g, const Clustering& c) {
  std::vector<int> seen(g.task_count(), 0);
  for (size_t k = 0; k < c.clusters.size(); ++k) {
    const auto& members = c.clusters[k];
    ASSERT_FALSE(members.empty());
    for (size_t i = 0; i < members.size(); ++i) {
      ++seen[static_cast<size_t>(members[i])];
      ASSERT_EQ(c.cluster_of[static_cast<size_t>(members[i])], static_cast<int32_t>(k));
      if (i == 0) continue;
      bool linked = false;
      for (EdgeId e : g.out_edges(members[i - 1])) linked = linked || g.edge(e).to == members[i];
      ASSERT_TRUE(linked) << "cluster " << k << " is not a path at position " << i;
    }
  }
  for (size_t t = 0; t < g.task_count(); ++t) ASSERT_EQ(seen[t], 1) << "task " << t;
}

TEST(LinearClustering, ChainIsOneCluster) {
  TaskGraph g = chain(5, 1.0);
  Clustering c = linear_clustering(g, CommModel{});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.clusters[0], (std::vector<TaskId>{0, 1, 2, 3, 4}));
}

TEST(LinearClustering, FirstClusterIsTheCriticalPath) {
  // fork 0 -> {1 (cost 5), 2 (cost 2), 3 (cost 1)} -> join 4
  TaskGraph g = make_graph({1, 5, 2, 1, 1}, {{0, 1}, {0, 2}, {0, 3}, {1, 4}, {2, 4}, {3, 4}});
  Clustering c = linear_clustering(g, free_comm());
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.clusters[0], (std::vector<TaskId>{0, 1, 4}));
  EXPECT_EQ(c.clusters[1], (std::vector<TaskId>{2}));
  EXPECT_EQ(c.clusters[2], (std::vector<TaskId>{3}));
}

TEST(LinearClustering, CommunicationCostsCountOnPathEdges) {
  // Two separate chains: 0-1-2-3 (four tasks of 1, three edges) and 4-5 (2 + 2.5, one edge).
  TaskGraph g = make_graph({1, 1, 1, 1, 2, 2.5}, {{0, 1}, {1, 2}, {2, 3}, {4, 5}});
  // Without hand-off costs the short chain is heavier (4.5 > 4)...
  EXPECT_EQ(linear_clustering(g, free_comm()).clusters[0], (std::vector<TaskId>{4, 5}));
  // ...with 0.5 per edge the long one is (4 + 1.5 > 4.5 + 0.5).
  EXPECT_EQ(linear_clustering(g, CommModel{0.5, 0.0}).clusters[0], (std::vector<TaskId>{0, 1, 2, 3}));
}

TEST(LinearClustering, MatchesTheNaiveAlgorithmOnRandomDags) {
  int graphs = 0;
  for (DagShape shape : {DagShape::kLayered, DagShape::kForkJoin, DagShape::kWindow}) {
    for (uint64_t seed = 1; seed <= 40; ++seed) {
      const size_t n = 1 + (seed * 37) % 400;
      TaskGraph g = random_dag(shape, n, seed, 1 + static_cast<int>(seed % 12));
      CommModel comm{seed % 2 ? 0.001 : 0.0, seed % 3 ? 0.0 : 1e-7};
      LinearClusteringStats stats;
      Clustering fast = linear_clustering(g, comm, &stats);
      Clustering slow = naive_linear_clustering(g, comm);
      expect_partition_into_paths(g, fast);
      ASSERT_EQ(fast.clusters, slow.clusters) << "shape " << static_cast<int>(shape) << " seed " << seed;
      ++graphs;
    }
  }
  EXPECT_EQ(graphs, 120);
}

TEST(ClusterMerging, MergedClustersPartitionAndNeverSlowDown) {
  for (DagShape shape : {DagShape::kLayered, DagShape::kForkJoin, DagShape::kWindow}) {
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      TaskGraph g = random_dag(shape, 50 + seed * 20, seed);
      CommModel comm{0.001, 0.0};
      Clustering linear = linear_clustering(g, comm);
      int rounds = 0;
      Clustering merged = merge_disjoint_clusters(g, linear, comm, 16, &rounds);
      EXPECT_LE(merged.size(), linear.size());
      std::vector<int> seen(g.task_count(), 0);
      for (size_t k = 0; k < merged.size(); ++k) {
        for (TaskId t : merged.clusters[k]) {
          ++seen[static_cast<size_t>(t)];
          EXPECT_EQ(merged.cluster_of[static_cast<size_t>(t)], static_cast<int32_t>(k));
        }
      }
      for (int s : seen) ASSERT_EQ(s, 1);
      // cluster_spans throws if a merged cluster's order contradicts the graph.
      ClusterSpans before = cluster_spans(g, linear, comm);
      ClusterSpans after = cluster_spans(g, merged, comm);
      EXPECT_LE(after.makespan_ms, before.makespan_ms * (1 + 1e-9) + 1e-12);
      // The unbounded linear clustering reaches the critical path up to hand-offs.
      EXPECT_GE(before.makespan_ms, g.critical_path_ms() * (1 - 1e-9));
    }
  }
}

TEST(ClusterMerging, ClustersThatFollowEachOtherShareATrack) {
  // A chain cut by hand into three clusters: their spans follow each other, so they merge back.
  TaskGraph g = make_graph({1, 1, 1}, {{0, 1}, {1, 2}});
  Clustering c;
  c.clusters = {{0}, {1}, {2}};
  index_clusters(c, g.task_count());
  Clustering merged = merge_disjoint_clusters(g, c, free_comm());
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged.clusters[0], (std::vector<TaskId>{0, 1, 2}));
}

TEST(ClusterMerging, OverlappingClustersStayApart) {
  // Two independent equal chains run side by side: nothing to merge.
  TaskGraph g = make_graph({1, 1, 1, 1}, {{0, 1}, {2, 3}});
  Clustering linear = linear_clustering(g, free_comm());
  ASSERT_EQ(linear.size(), 2u);
  EXPECT_EQ(merge_disjoint_clusters(g, linear, free_comm()).size(), 2u);
}

}  // namespace
}  // namespace ramiel::schedule
