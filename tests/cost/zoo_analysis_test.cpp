// Every zoo model imports and has a sensible parallelism profile.
#include <gtest/gtest.h>

#include "cost/analysis.h"
#include "cost/cost_model.h"
#include "ir/onnx_import.h"
#include "support/zoo.h"

namespace ramiel::cost {
namespace {

class ZooAnalysis : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooAnalysis, ImportsAndAnalyses) {
  const std::string& name = GetParam();
  if (!testing::zoo_available(name)) GTEST_SKIP() << name << " not generated; run scripts/zoo.sh";
  ir::Graph g = ir::import_onnx_file((testing::zoo_dir(name) / "model.onnx").string());
  Analysis a = analyze(g, analytic_times_ms(g));
  EXPECT_GT(a.nodes, 50u);
  EXPECT_GE(a.parallelism, 1.0);
  EXPECT_LT(a.parallelism, 4.0);
  EXPECT_GT(a.ops.count("MatMul") + a.ops.count("Conv"), 0u);
  EXPECT_GE(a.max_width, 1);
  // Every node with a float output has a fully known shape, so costs are real, not overhead-only.
  for (const ir::Node& n : g.nodes()) {
    const ir::Value& out = g.value(n.outputs[0]);
    EXPECT_TRUE(out.has_static_shape()) << name << ": " << n.name << " output has no static shape";
  }
  RecordProperty("parallelism", std::to_string(a.parallelism));
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooAnalysis, ::testing::ValuesIn(testing::zoo_models()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace ramiel::cost
