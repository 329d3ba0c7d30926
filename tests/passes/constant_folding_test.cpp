#include "passes/constant_folding.h"

#include <gtest/gtest.h>

#include "passes/pipeline.h"
#include "support/graph_builder.h"

namespace ramiel::passes {
namespace {

using testing::GraphBuilder;

ir::Tensor floats(ir::Dims dims, std::vector<float> v) { return ir::Tensor::from<float>(ir::DataType::kFloat32, std::move(dims), v); }
ir::Tensor int64s(ir::Dims dims, std::vector<int64_t> v) { return ir::Tensor::from<int64_t>(ir::DataType::kInt64, std::move(dims), v); }

TEST(ConstantFolding, GraphOutputItselfConstant) {
  ir::Graph g = GraphBuilder().node("add", "Add", {"a", "b"}, {"y"}, {2}).output("y").build();
  g.set_constant(g.find_value("a"), floats({2}, {1, 2}));
  g.set_constant(g.find_value("b"), floats({2}, {10, 20}));
  EXPECT_TRUE(ConstantFolding().run(g));
  EXPECT_EQ(g.live_node_count(), 0u);
  const ir::Value& y = g.value(g.find_value("y"));
  ASSERT_TRUE(y.constant.has_value());
  EXPECT_TRUE(y.is_graph_output);
  EXPECT_EQ(y.constant->values<float>()[1], 22.f);
}

TEST(ConstantFolding, ConstantFeedingSeveralConsumersChainsThrough) {
  // c = Constant; d = c * c; x + d and x - d both read the folded d.
  GraphBuilder b;
  b.input("x", {2}).node("const", "Constant", {}, {"c"}, {2}).node("sq", "Mul", {"c", "c"}, {"d"}, {2})
      .node("plus", "Add", {"x", "d"}, {"p"}, {2}).node("minus", "Sub", {"x", "d"}, {"m"}, {2}).output("p").output("m");
  ir::Graph g = b.build();
  g.node(0).attributes["value"] = ir::Attribute{.type = ir::Attribute::Type::kTensor, .t = floats({2}, {3, 4})};
  EXPECT_TRUE(ConstantFolding().run(g));
  EXPECT_EQ(g.live_node_count(), 2u);
  const ir::Value& d = g.value(g.find_value("d"));
  ASSERT_TRUE(d.constant.has_value());
  EXPECT_EQ(d.constant->values<float>()[0], 9.f);
  EXPECT_EQ(d.consumers.size(), 2u);
}

TEST(ConstantFolding, ShapeArithmeticOnStaticShapesFolds) {
  // Shape(x) -> Gather(0) -> Unsqueeze -> Concat([-1]) -> Reshape(x): the exported-transformer pattern.
  GraphBuilder b;
  b.input("x", {4, 6})
      .node("shape", "Shape", {"x"}, {"s"}, {2})
      .node("gather", "Gather", {"s", "zero"}, {"n"}, {})
      .node("unsq", "Unsqueeze", {"n", "axes"}, {"n1"}, {1})
      .node("cat", "Concat", {"n1", "minus_one"}, {"new_shape"}, {2})
      .node("reshape", "Reshape", {"x", "new_shape"}, {"y"}, {4, 6})
      .output("y");
  ir::Graph g = b.build();
  for (const char* v : {"s", "n", "n1", "new_shape"}) g.value(g.find_value(v)).dtype = ir::DataType::kInt64;
  g.set_constant(g.find_value("zero"), int64s({}, {0}));
  g.set_constant(g.find_value("axes"), int64s({1}, {0}));
  g.set_constant(g.find_value("minus_one"), int64s({1}, {-1}));
  g.node(3).attributes["axis"] = ir::Attribute{.type = ir::Attribute::Type::kInt, .i = 0};
  g.opsets[""] = 13;
  EXPECT_TRUE(ConstantFolding().run(g));
  EXPECT_EQ(g.live_node_count(), 1u) << "only the Reshape of the real input stays";
  const ir::Value& shape = g.value(g.find_value("new_shape"));
  ASSERT_TRUE(shape.constant.has_value());
  EXPECT_EQ(shape.constant->values<int64_t>()[0], 4);
  EXPECT_EQ(shape.constant->values<int64_t>()[1], -1);
}

TEST(ConstantFolding, HugeConstantOfShapeStaysANode) {
  ir::Graph g = GraphBuilder().node("fill", "ConstantOfShape", {"shape"}, {"y"}, {256, 1024, 1024}).output("y").build();
  g.set_constant(g.find_value("shape"), int64s({3}, {256, 1024, 1024}));  // 1 GiB of float
  EXPECT_FALSE(ConstantFolding().run(g));
  EXPECT_EQ(g.live_node_count(), 1u);
  ir::Graph small = GraphBuilder().node("fill", "ConstantOfShape", {"shape"}, {"y"}, {2, 3}).output("y").build();
  small.set_constant(small.find_value("shape"), int64s({2}, {2, 3}));
  EXPECT_TRUE(ConstantFolding().run(small));
  EXPECT_EQ(small.value(small.find_value("y")).constant->size(), 6);
}

TEST(ConstantFolding, NonConstantInputsAreLeftAlone) {
  ir::Graph g = GraphBuilder().input("x", {2}).node("add", "Add", {"x", "b"}, {"y"}, {2}).output("y").build();
  g.set_constant(g.find_value("b"), floats({2}, {1, 1}));
  EXPECT_FALSE(ConstantFolding().run(g));
}

TEST(PruningPipeline, FoldsThenCleansThenRemovesDeadCode) {
  GraphBuilder b;
  b.input("x", {2}).node("const", "Constant", {}, {"c"}, {2}).node("id", "Identity", {"c"}, {"c2"}, {2})
      .node("add", "Add", {"x", "c2"}, {"y"}, {2}).node("unused", "Relu", {"x"}, {"u"}, {2}).output("y");
  ir::Graph g = b.build();
  g.node(0).attributes["value"] = ir::Attribute{.type = ir::Attribute::Type::kTensor, .t = floats({2}, {3, 4})};
  PassManager pm = pruning_pipeline();
  auto reports = pm.run(g);
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_EQ(reports[0].name, "constant-folding");
  EXPECT_EQ(reports[2].name, "pad-fusion");
  EXPECT_EQ(reports[3].name, "dead-code-elimination");
  EXPECT_EQ(g.live_node_count(), 1u);
  EXPECT_EQ(g.node(2).op_type, "Add");
  ASSERT_TRUE(g.value(g.node(2).inputs[1]).constant.has_value());
}

}  // namespace
}  // namespace ramiel::passes
