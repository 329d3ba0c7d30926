#include "cost/analysis.h"

#include <gtest/gtest.h>

#include "cost/cost_model.h"
#include "support/graph_builder.h"

namespace ramiel::cost {
namespace {

using testing::GraphBuilder;

std::vector<double> costs(std::initializer_list<double> c) { return c; }

TEST(Analysis, ChainHasNoParallelism) {
  ir::Graph g = GraphBuilder().input("x", {1}).node("a", "Relu", {"x"}, {"a"}).node("b", "Relu", {"a"}, {"b"})
                    .node("c", "Relu", {"b"}, {"c"}).output("c").build();
  Analysis a = analyze(g, costs({1, 2, 3}));
  EXPECT_DOUBLE_EQ(a.work_ms, 6);
  EXPECT_DOUBLE_EQ(a.critical_path_ms, 6);
  EXPECT_DOUBLE_EQ(a.parallelism, 1);
  EXPECT_EQ(a.critical_path, (std::vector<ir::NodeId>{0, 1, 2}));
  EXPECT_EQ(a.max_width, 1);
  EXPECT_EQ(a.edges, 2u);
  EXPECT_EQ(a.ops.at("Relu"), 3);
}

TEST(Analysis, DiamondTakesHeavierBranch) {
  ir::Graph g = GraphBuilder().input("x", {1}).node("s", "Relu", {"x"}, {"s"}).node("l", "Relu", {"s"}, {"l"})
                    .node("r", "Relu", {"s"}, {"r"}).node("j", "Add", {"l", "r"}, {"j"}).output("j").build();
  Analysis a = analyze(g, costs({1, 5, 2, 1}));
  EXPECT_DOUBLE_EQ(a.work_ms, 9);
  EXPECT_DOUBLE_EQ(a.critical_path_ms, 7);
  EXPECT_EQ(a.critical_path, (std::vector<ir::NodeId>{0, 1, 3}));
  EXPECT_EQ(a.max_width, 2);
  EXPECT_EQ(a.edges, 4u);
}

TEST(Analysis, ForkJoinWithEqualBranches) {
  GraphBuilder b;
  b.input("x", {1}).node("fork", "Relu", {"x"}, {"f"});
  std::vector<std::string> ends;
  for (int i = 0; i < 4; ++i) {
    std::string n = "b" + std::to_string(i);
    b.node(n, "Relu", {"f"}, {n});
    ends.push_back(n);
  }
  b.node("join", "Concat", ends, {"j"}).output("j");
  Analysis a = analyze(b.build(), costs({1, 4, 4, 4, 4, 1}));
  EXPECT_DOUBLE_EQ(a.parallelism, 18.0 / 6.0);
  EXPECT_EQ(a.max_width, 4);
}

TEST(Analysis, InceptionBlock) {
  // Four branches of different depth, as in GoogLeNet: 1x1 | 1x1->3x3 | 1x1->5x5 | pool->1x1.
  ir::Graph g = GraphBuilder().input("x", {1})
                    .node("b1", "Conv", {"x"}, {"b1"})
                    .node("b2a", "Conv", {"x"}, {"b2a"}).node("b2b", "Conv", {"b2a"}, {"b2b"})
                    .node("b3a", "Conv", {"x"}, {"b3a"}).node("b3b", "Conv", {"b3a"}, {"b3b"})
                    .node("b4a", "MaxPool", {"x"}, {"b4a"}).node("b4b", "Conv", {"b4a"}, {"b4b"})
                    .node("cat", "Concat", {"b1", "b2b", "b3b", "b4b"}, {"y"}).output("y").build();
  Analysis a = analyze(g, costs({2, 1, 6, 1, 3, 1, 1, 0.5}));
  EXPECT_DOUBLE_EQ(a.work_ms, 15.5);
  EXPECT_DOUBLE_EQ(a.critical_path_ms, 7.5);  // b2a -> b2b -> cat
  EXPECT_EQ(a.critical_path, (std::vector<ir::NodeId>{1, 2, 7}));
  EXPECT_EQ(a.max_width, 4);
  EXPECT_EQ(a.ops.at("Conv"), 6);
}

TEST(Analysis, WidthFallbackIsALowerBound) {
  ir::Graph g = GraphBuilder().input("x", {1}).node("a", "Relu", {"x"}, {"a"}).node("b", "Relu", {"x"}, {"b"})
                    .node("c", "Relu", {"b"}, {"c"}).build();
  EXPECT_EQ(max_width(g), 2);
  EXPECT_LE(max_width(g, 0), 2);
}

TEST(CostModel, ConvFlopsAndRoofline) {
  GraphBuilder b;
  b.input("x", {1, 3, 8, 8});
  ir::Graph g = b.build();
  ir::ValueId w = g.add_value("w", ir::DataType::kFloat32, ir::Dims{16, 3, 3, 3});
  ir::ValueId y = g.add_value("y", ir::DataType::kFloat32, ir::Dims{1, 16, 8, 8});
  ir::Node conv;
  conv.name = "conv";
  conv.op_type = "Conv";
  conv.inputs = {g.find_value("x"), w};
  conv.outputs = {y};
  g.add_node(conv);
  MachineModel m;
  NodeCost c = analytic_cost(g, g.node(0), m);
  EXPECT_DOUBLE_EQ(c.flops, 2.0 * 16 * 64 * 3 * 9);
  EXPECT_DOUBLE_EQ(c.bytes, 4.0 * (3 * 64 + 16 * 27 + 16 * 64));
  EXPECT_NEAR(c.time_ms, std::max(c.flops / (m.gflops * 1e6), c.bytes / (m.gbytes_per_s * 1e6)) + m.op_overhead_us * 1e-3, 1e-12);
}

TEST(CostModel, MatMulBroadcastAndViews) {
  ir::Graph g;
  ir::ValueId a = g.add_value("a", ir::DataType::kFloat32, ir::Dims{2, 4, 3, 5});
  ir::ValueId bm = g.add_value("b", ir::DataType::kFloat32, ir::Dims{5, 7});
  ir::ValueId y = g.add_value("y", ir::DataType::kFloat32, ir::Dims{2, 4, 3, 7});
  ir::ValueId r = g.add_value("r", ir::DataType::kFloat32, ir::Dims{24, 7});
  g.add_node(ir::Node{.name = "mm", .op_type = "MatMul", .inputs = {a, bm}, .outputs = {y}});
  g.add_node(ir::Node{.name = "rs", .op_type = "Reshape", .inputs = {y}, .outputs = {r}});
  auto c = analytic_costs(g);
  EXPECT_DOUBLE_EQ(c[0].flops, 2.0 * (2 * 4 * 3 * 7) * 5);
  EXPECT_DOUBLE_EQ(c[1].bytes, 0.0);  // a reshape is a view
}

TEST(CostModel, UnknownShapesCostOnlyOverhead) {
  ir::Graph g;
  ir::ValueId a = g.add_value("a"), b = g.add_value("b");
  g.add_node(ir::Node{.name = "e", .op_type = "Exp", .inputs = {a}, .outputs = {b}});
  MachineModel m;
  EXPECT_DOUBLE_EQ(analytic_cost(g, g.node(0), m).time_ms, m.op_overhead_us * 1e-3);
}

}  // namespace
}  // namespace ramiel::cost
