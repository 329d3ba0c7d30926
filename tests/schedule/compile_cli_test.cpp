// `ramiel compile` end to end: figures in --json, the plan file, Gantt and DOT, and bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cost/cost_model.h"
#include "ir/onnx_import.h"
#include "runtime/slicing.h"
#include "schedule/plan_json.h"
#include "schedule/task_graph.h"
#include "support/cli_runner.h"
#include "support/zoo.h"

namespace ramiel::schedule {
namespace {

using ramiel::testing::run_cli;

std::filesystem::path model_or_skip(const std::string& name) {
  return ramiel::testing::zoo_dir(name) / "model.onnx";
}

std::string temp_path(const std::string& file) {
  return (std::filesystem::temp_directory_path() / ("ramiel_compile_" + std::to_string(::getpid()) + "_" + file)).string();
}

TEST(CompileCli, JsonFiguresPlanGanttAndDot) {
  const std::filesystem::path model = model_or_skip("googlenet");
  if (!std::filesystem::exists(model)) GTEST_SKIP() << model.string() << " missing; run /usr/bin/python3 models/zoo.py --out models/cache googlenet";
  const std::string plan_file = temp_path("plan.json"), svg = temp_path("plan.svg"), dot = temp_path("plan.dot");
  auto r = run_cli("compile " + model.string() + " --threads 4 --json -o " + plan_file + " --gantt " + svg + " --dot " + dot);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  for (const char* key : {"clusters_initial", "clusters_merged", "workers", "cloned_nodes", "serial_ms", "makespan_ms", "lower_bound_ms",
                          "list_scheduler_ms", "compile_ms"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_LE(j["workers"].get<int>(), 4);
  // Analytic slice costs: the hybrid plan splits convolutions; every split node lists its slices.
  ASSERT_TRUE(j.contains("split_nodes"));
  EXPECT_TRUE(j["split_nodes"].is_array());
  EXPECT_GT(j["split_nodes"].size(), 0u);
  int slices = 0;
  for (const auto& split : j["split_nodes"]) {
    EXPECT_TRUE(runtime::can_slice(split["op"].get<std::string>())) << split.dump();
    EXPECT_GE(split["slices"].get<int>(), 2);
    slices += split["slices"].get<int>();
  }
  EXPECT_EQ(j["slices"].get<int>(), slices);
  auto branch_only = run_cli("compile " + model.string() + " --threads 4 --json --no-split");
  ASSERT_EQ(branch_only.exit_code, 0) << branch_only.err;
  nlohmann::json b = nlohmann::json::parse(branch_only.out);
  EXPECT_EQ(b["split_nodes"].size(), 0u);
  EXPECT_GE(b["makespan_ms"].get<double>(), j["makespan_ms"].get<double>() * (1 - 1e-9));
  EXPECT_LE(j["lower_bound_ms"].get<double>(), j["makespan_ms"].get<double>() * (1 + 1e-9));
  EXPECT_LE(j["makespan_ms"].get<double>(), j["serial_ms"].get<double>() * (1 + 1e-9));

  // The plan file is sound for the graph the CLI compiled (pruned by the default pipeline): every
  // step names a node of the imported model.
  Plan plan = read_plan_file(plan_file);
  EXPECT_EQ(plan.worker_count(), j["workers"].get<int>());
  ir::Graph graph = ir::import_onnx_file(model.string());
  for (const WorkerProgram& w : plan.workers) {
    for (const Step& s : w.steps) ASSERT_LT(static_cast<size_t>(s.node), graph.nodes().size());
  }
  std::ifstream svg_in(svg);
  std::string svg_text((std::istreambuf_iterator<char>(svg_in)), std::istreambuf_iterator<char>());
  EXPECT_NE(svg_text.find("<svg"), std::string::npos);
  EXPECT_NE(svg_text.find("worker 0"), std::string::npos);
  EXPECT_NE(svg_text.find("<title>"), std::string::npos);
  std::ifstream dot_in(dot);
  std::string dot_text((std::istreambuf_iterator<char>(dot_in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(dot_text.rfind("digraph plan {", 0), 0u);
  for (const std::string& f : {plan_file, svg, dot}) std::filesystem::remove(f);

  auto text = run_cli("compile " + model.string() + " --threads 2");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("makespan"), std::string::npos);
  EXPECT_NE(text.out.find("lower bound"), std::string::npos);
}

TEST(CompileCli, BadInputIsOneLineError) {
  const std::filesystem::path model = model_or_skip("squeezenet1_0");
  if (!std::filesystem::exists(model)) GTEST_SKIP() << model.string() << " missing; run /usr/bin/python3 models/zoo.py --out models/cache squeezenet1_0";
  for (const char* threads : {"0", "-3"}) {
    auto r = run_cli("compile " + model.string() + " --threads " + threads);
    EXPECT_EQ(r.exit_code, 2) << threads << ": " << r.err;
    EXPECT_EQ(r.err.rfind("ramiel: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  auto r = run_cli("compile " + model.string() + " -o /nonexistent-dir/plan.json");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace ramiel::schedule
