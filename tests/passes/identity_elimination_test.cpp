#include "passes/identity_elimination.h"

#include <gtest/gtest.h>

#include "passes/pass.h"
#include "support/graph_builder.h"

namespace ramiel::passes {
namespace {

using testing::GraphBuilder;

TEST(IdentityElimination, BypassesInnerIdentityAndDropout) {
  ir::Graph g = GraphBuilder().input("x", {1, 8}).node("r", "Relu", {"x"}, {"a"}).node("id", "Identity", {"a"}, {"b"})
                    .node("drop", "Dropout", {"b"}, {"c"}).node("s", "Sigmoid", {"c"}, {"y"}).output("y").build();
  EXPECT_TRUE(IdentityElimination().run(g));
  verify_graph(g);
  EXPECT_EQ(g.live_node_count(), 2u);
  EXPECT_EQ(g.node(3).inputs[0], g.find_value("a"));
}

TEST(IdentityElimination, GraphOutputKeepsItsName) {
  ir::Graph g = GraphBuilder().input("x", {1, 8}).node("r", "Relu", {"x"}, {"a"}).node("id", "Identity", {"a"}, {"y"})
                    .node("s", "Sigmoid", {"a"}, {"z"}).output("y").output("z").build();
  EXPECT_TRUE(IdentityElimination().run(g));
  verify_graph(g);
  EXPECT_EQ(g.live_node_count(), 2u);
  ir::ValueId y = g.find_value("y");
  EXPECT_EQ(g.outputs()[0], y);
  EXPECT_EQ(g.value(y).producer, 0) << "Relu now writes the output value directly";
  EXPECT_EQ(g.node(2).inputs[0], y) << "other readers follow";
}

TEST(IdentityElimination, ConstantThroughIdentityBecomesConstantOutput) {
  ir::Graph g = GraphBuilder().node("id", "Identity", {"c"}, {"y"}).output("y").build();
  g.set_constant(g.find_value("c"), ir::Tensor::from<float>(ir::DataType::kFloat32, {2}, {1.f, 2.f}));
  EXPECT_TRUE(IdentityElimination().run(g));
  EXPECT_EQ(g.live_node_count(), 0u);
  ASSERT_TRUE(g.value(g.find_value("y")).constant.has_value());
  EXPECT_EQ(g.value(g.find_value("y")).constant->values<float>()[1], 2.f);
}

TEST(IdentityElimination, GraphInputToOutputKeepsIdentity) {
  ir::Graph g = GraphBuilder().input("x", {1}).node("id", "Identity", {"x"}, {"y"}).output("y").build();
  EXPECT_FALSE(IdentityElimination().run(g));
  EXPECT_EQ(g.live_node_count(), 1u);
}

TEST(IdentityElimination, DropoutWithUsedMaskStays) {
  ir::Graph g = GraphBuilder().input("x", {1, 8}).node("drop", "Dropout", {"x"}, {"y", "mask"}).output("y").output("mask").build();
  EXPECT_FALSE(IdentityElimination().run(g));
}

TEST(IdentityElimination, NoOpReshapeCastTransposeButNotRealOnes) {
  GraphBuilder b;
  b.input("x", {2, 3}).node("reshape_same", "Reshape", {"x", "shape"}, {"a"}, {2, 3})
      .node("cast_same", "Cast", {"a"}, {"b"}, {2, 3}).node("transpose_id", "Transpose", {"b"}, {"c"}, {2, 3})
      .node("reshape_real", "Reshape", {"c", "shape2"}, {"d"}, {3, 2}).output("d");
  ir::Graph g = b.build();
  g.node(2).attributes["perm"] = ir::Attribute{.type = ir::Attribute::Type::kInts, .ints = {0, 1}};
  g.set_constant(g.find_value("shape"), ir::Tensor::from<int64_t>(ir::DataType::kInt64, {2}, {2, 3}));
  g.set_constant(g.find_value("shape2"), ir::Tensor::from<int64_t>(ir::DataType::kInt64, {2}, {3, 2}));
  EXPECT_TRUE(IdentityElimination().run(g));
  verify_graph(g);
  EXPECT_EQ(g.live_node_count(), 1u);
  EXPECT_EQ(g.node(3).inputs[0], g.find_value("x"));

  ir::Graph t = GraphBuilder().input("x", {2, 2}).node("swap", "Transpose", {"x"}, {"y"}, {2, 2}).output("y").build();
  t.node(0).attributes["perm"] = ir::Attribute{.type = ir::Attribute::Type::kInts, .ints = {1, 0}};
  EXPECT_FALSE(IdentityElimination().run(t)) << "a real transpose of a square matrix is not a no-op";
}

}  // namespace
}  // namespace ramiel::passes
