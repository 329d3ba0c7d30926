#include "schedule/task_graph.h"

#include <gtest/gtest.h>

#include "ramiel/error.h"
#include "schedule/random_dag.h"
#include "support/graph_builder.h"

namespace ramiel::schedule {
namespace {

TEST(TaskGraph, BuilderMergesDuplicateEdgesAndBuildsAdjacency) {
  TaskGraphBuilder b;
  for (double c : {1.0, 2.0, 3.0}) b.add_task(c);
  b.add_edge(1, 2, 10);
  b.add_edge(0, 2, 5);
  b.add_edge(0, 1, 7);
  b.add_edge(0, 2, 1);  // duplicate: bytes add up
  TaskGraph g = b.build();
  ASSERT_EQ(g.task_count(), 3u);
  ASSERT_EQ(g.edge_count(), 3u);
  EXPECT_DOUBLE_EQ(g.total_work_ms(), 6);
  EXPECT_DOUBLE_EQ(g.critical_path_ms(), 6);
  ASSERT_EQ(g.out_edges(0).size(), 2u);
  EXPECT_EQ(g.edge(g.out_edges(0)[0]).to, 1);
  EXPECT_EQ(g.edge(g.out_edges(0)[1]).to, 2);
  EXPECT_EQ(g.edge(g.out_edges(0)[1]).bytes, 6);
  ASSERT_EQ(g.in_edges(2).size(), 2u);
  EXPECT_EQ(g.edge(g.in_edges(2)[0]).from, 0);
  EXPECT_EQ(g.edge(g.in_edges(2)[1]).from, 1);
  EXPECT_EQ(g.node_of(2), 2);
  EXPECT_EQ(g.task_of(2), 2);
  EXPECT_EQ(g.task_of(3), ir::kNone);
  EXPECT_EQ(g.name(1), "t1");
  EXPECT_TRUE(g.cloneable(1));
}

TEST(TaskGraph, RejectsBackwardEdgesAndBadCosts) {
  TaskGraphBuilder b;
  b.add_task(1);
  b.add_task(1);
  EXPECT_THROW(b.add_edge(1, 0, 0), Error);
  EXPECT_THROW(b.add_edge(0, 0, 0), Error);
  EXPECT_THROW(b.add_edge(0, 5, 0), Error);
  EXPECT_THROW(b.add_task(-1.0), Error);
}

TEST(TaskGraph, FromIrMapsNodesValuesAndBytes) {
  // x -> a -> (b, c) -> d, plus a random node that must not be cloned; node "dead" is removed.
  ir::Graph graph = ramiel::testing::GraphBuilder()
                        .input("x", {1, 8})
                        .node("a", "Relu", {"x"}, {"a"}, {2, 8})
                        .node("dead", "Relu", {"a"}, {"dead"})
                        .node("b", "Relu", {"a"}, {"b"}, {4, 8})
                        .node("c", "RandomUniformLike", {"a"}, {"c"})
                        .node("d", "Add", {"b", "c"}, {"d"})
                        .output("d")
                        .build();
  graph.remove_node(1);
  TaskGraph g = task_graph_from_ir(graph, {1, 100, 2, 3, 4});
  ASSERT_EQ(g.task_count(), 4u);
  EXPECT_DOUBLE_EQ(g.total_work_ms(), 10);
  EXPECT_EQ(g.task_of(1), ir::kNone);
  const TaskId a = g.task_of(0), b = g.task_of(2), c = g.task_of(3), d = g.task_of(4);
  EXPECT_EQ(g.node_of(b), 2);
  EXPECT_EQ(g.name(b), "b");
  EXPECT_EQ(g.op_type(d), "Add");
  EXPECT_FALSE(g.cloneable(c));
  EXPECT_TRUE(g.cloneable(b));
  ASSERT_EQ(g.out_edges(a).size(), 2u);
  const TaskEdge& ab = g.edge(g.out_edges(a)[0]);
  EXPECT_EQ(ab.to, b);
  EXPECT_EQ(ab.bytes, 2 * 8 * 4);  // float [2, 8]
  ASSERT_EQ(g.edge_values(g.out_edges(a)[0]).size(), 1u);
  EXPECT_EQ(g.edge_values(g.out_edges(a)[0])[0], graph.find_value("a"));
  EXPECT_EQ(g.in_edges(d).size(), 2u);
  EXPECT_LT(a, b);  // tasks follow a topological order
  EXPECT_LT(b, d);
}

TEST(TaskGraph, RandomDagsHaveTheRequestedSizeAndOrder) {
  for (DagShape shape : {DagShape::kLayered, DagShape::kForkJoin, DagShape::kWindow}) {
    for (size_t n : {1u, 2u, 5u, 100u, 1000u}) {
      TaskGraph g = random_dag(shape, n, 7);
      ASSERT_EQ(g.task_count(), n);
      for (const TaskEdge& e : g.edges()) ASSERT_LT(e.from, e.to);
      TaskGraph again = random_dag(shape, n, 7);
      EXPECT_EQ(again.edge_count(), g.edge_count());
      EXPECT_EQ(again.total_work_ms(), g.total_work_ms());
    }
  }
}

}  // namespace
}  // namespace ramiel::schedule
