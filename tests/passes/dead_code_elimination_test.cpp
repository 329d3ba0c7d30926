#include "passes/dead_code_elimination.h"

#include <gtest/gtest.h>

#include "support/graph_builder.h"

namespace ramiel::passes {
namespace {

using testing::GraphBuilder;

TEST(DeadCodeElimination, RemovesDeadBranchWithSideInputs) {
  // x -> a -> out;  x, side -> dead1 -> dead2 (reaches no output)
  ir::Graph g = GraphBuilder().input("x", {1, 8}).input("side", {1, 8})
                    .node("a", "Relu", {"x"}, {"out"})
                    .node("dead1", "Add", {"x", "side"}, {"d1"})
                    .node("dead2", "Relu", {"d1"}, {"d2"})
                    .output("out").build();
  EXPECT_TRUE(DeadCodeElimination().run(g));
  EXPECT_EQ(g.live_node_count(), 1u);
  EXPECT_FALSE(g.node(0).removed);
  EXPECT_TRUE(g.value(g.find_value("x")).consumers.size() == 1);
  EXPECT_TRUE(g.value(g.find_value("side")).consumers.empty());
  EXPECT_EQ(g.inputs().size(), 2u) << "graph inputs are part of the interface and stay";
  EXPECT_FALSE(DeadCodeElimination().run(g)) << "second run finds nothing";
}

TEST(DeadCodeElimination, DropsUnusedInitializers) {
  ir::Graph g = GraphBuilder().input("x", {1}).node("a", "Relu", {"x"}, {"y"}).output("y").build();
  ir::ValueId w = g.add_value("unused_w");
  g.set_constant(w, ir::Tensor(ir::DataType::kFloat32, {1024}));
  ir::ValueId kept = g.add_value("kept_constant_output");
  g.set_constant(kept, ir::Tensor(ir::DataType::kFloat32, {2}));
  g.add_output(kept);
  EXPECT_TRUE(DeadCodeElimination().run(g));
  EXPECT_FALSE(g.value(w).constant.has_value());
  EXPECT_TRUE(g.value(kept).constant.has_value()) << "a constant graph output is live";
}

TEST(DeadCodeElimination, KeepsEverythingOnTheWayToSeveralOutputs) {
  ir::Graph g = GraphBuilder().input("x", {1}).node("a", "Relu", {"x"}, {"a"}).node("b", "Relu", {"a"}, {"b"})
                    .node("c", "Relu", {"a"}, {"c"}).output("b").output("c").build();
  EXPECT_FALSE(DeadCodeElimination().run(g));
  EXPECT_EQ(g.live_node_count(), 3u);
}

}  // namespace
}  // namespace ramiel::passes
