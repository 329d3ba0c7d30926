#include "ir/graph.h"

#include <gtest/gtest.h>

#include "ramiel/error.h"
#include "support/graph_builder.h"

namespace ramiel::ir {
namespace {

using testing::GraphBuilder;

TEST(Graph, LinksProducersAndConsumers) {
  Graph g = GraphBuilder().input("x", {1, 8}).node("a", "Relu", {"x"}, {"y"}).node("b", "Add", {"y", "y"}, {"z"}).output("z").build();
  const Value& y = g.value(g.find_value("y"));
  EXPECT_EQ(g.node(y.producer).name, "a");
  EXPECT_EQ(y.consumers.size(), 2u);  // one entry per input slot
  EXPECT_EQ(g.successors(0), std::vector<NodeId>{1});
  EXPECT_EQ(g.predecessors(1), std::vector<NodeId>{0});
  EXPECT_TRUE(g.value(g.find_value("x")).is_graph_input);
  EXPECT_TRUE(g.value(g.find_value("z")).is_graph_output);
}

TEST(Graph, TopologicalOrderRespectsEdgesAndIsStable) {
  // Nodes added in reverse dependency order: the order must still put producers first.
  Graph g;
  ValueId x = g.add_value("x"), a = g.add_value("a"), b = g.add_value("b"), c = g.add_value("c");
  g.add_input(x);
  Node n2{.name = "n2", .op_type = "Relu", .inputs = {b}, .outputs = {c}};
  Node n1{.name = "n1", .op_type = "Relu", .inputs = {a}, .outputs = {b}};
  Node n0{.name = "n0", .op_type = "Relu", .inputs = {x}, .outputs = {a}};
  g.add_node(n2);
  g.add_node(n1);
  g.add_node(n0);
  EXPECT_EQ(g.topological_order(), (std::vector<NodeId>{2, 1, 0}));
}

TEST(Graph, TopologicalOrderBreaksTiesByNodeId) {
  Graph g = GraphBuilder().input("x", {1}).node("p", "Relu", {"x"}, {"p"}).node("q", "Relu", {"x"}, {"q"})
                .node("r", "Relu", {"x"}, {"r"}).build();
  EXPECT_EQ(g.topological_order(), (std::vector<NodeId>{0, 1, 2}));
}

TEST(Graph, CycleIsInvalidModel) {
  Graph g;
  ValueId a = g.add_value("a"), b = g.add_value("b");
  g.add_node(Node{.name = "n0", .op_type = "Relu", .inputs = {a}, .outputs = {b}});
  g.add_node(Node{.name = "n1", .op_type = "Relu", .inputs = {b}, .outputs = {a}});
  try {
    g.topological_order();
    FAIL() << "expected a cycle error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidModel);
    EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos);
  }
}

TEST(Graph, TwoProducersIsInvalidModel) {
  Graph g;
  ValueId a = g.add_value("a"), b = g.add_value("b");
  g.add_node(Node{.name = "n0", .op_type = "Relu", .inputs = {a}, .outputs = {b}});
  EXPECT_THROW(g.add_node(Node{.name = "n1", .op_type = "Relu", .inputs = {a}, .outputs = {b}}), Error);
  EXPECT_THROW(g.add_value("a"), Error);
}

TEST(Graph, RemoveNodeAndReplaceUses) {
  Graph g = GraphBuilder().input("x", {1}).node("id", "Identity", {"x"}, {"y"}).node("r", "Relu", {"y"}, {"z"})
                .output("z").output("y").build();
  ValueId x = g.find_value("x"), y = g.find_value("y");
  g.replace_all_uses(y, x);
  g.remove_node(0);
  EXPECT_EQ(g.live_node_count(), 1u);
  EXPECT_EQ(g.node(1).inputs[0], x);
  EXPECT_EQ(g.outputs()[1], x);
  EXPECT_TRUE(g.value(x).is_graph_output);
  EXPECT_EQ(g.topological_order(), std::vector<NodeId>{1});
  EXPECT_EQ(g.value(x).consumers, std::vector<NodeId>{1});
}

TEST(Tensor, AllocatesAlignedZeroedStorage) {
  Tensor t(DataType::kFloat32, {2, 3});
  EXPECT_EQ(t.size(), 6);
  EXPECT_EQ(t.byte_size(), 24u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.raw()) % 64, 0u);
  for (float v : t.values<float>()) EXPECT_EQ(v, 0.0f);
  Tensor r = t.reshaped({3, 2});
  EXPECT_EQ(r.raw(), t.raw());
  EXPECT_THROW(t.reshaped({4}), Error);
  Tensor c = t.clone();
  EXPECT_NE(c.raw(), t.raw());
  EXPECT_THROW(Tensor(DataType::kFloat32, {-1}), Error);
  Tensor empty(DataType::kInt64, {0, 4});
  EXPECT_EQ(empty.size(), 0);
}

TEST(Tensor, ReadsElementsOfEveryNumericType) {
  Tensor h = Tensor::from<uint16_t>(DataType::kFloat16, {3}, {0x3c00, 0xc000, 0x0001});  // 1, -2, tiny
  EXPECT_DOUBLE_EQ(element_as_double(h, 0), 1.0);
  EXPECT_DOUBLE_EQ(element_as_double(h, 1), -2.0);
  EXPECT_GT(element_as_double(h, 2), 0.0);
  Tensor i = Tensor::from<int64_t>(DataType::kInt64, {2}, {-5, 7});
  EXPECT_EQ(element_as_int64(i, 0), -5);
  Tensor b = Tensor::from<uint8_t>(DataType::kBool, {2}, {0, 1});
  EXPECT_EQ(element_as_double(b, 1), 1.0);
}

}  // namespace
}  // namespace ramiel::ir
