// Every zoo model compiles into a sound plan for P = 1, 2, 4 and 16 threads.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "cost/cost_model.h"
#include "ir/onnx_import.h"
#include "schedule/list_scheduler.h"
#include "schedule/plan_builder.h"
#include "schedule/plan_lowering.h"
#include "schedule/scheduler.h"
#include "schedule/splitting.h"
#include "support/zoo.h"

namespace ramiel::schedule {
namespace {

class ZooSchedule : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooSchedule, CompilesForEveryThreadCount) {
  const std::string& name = GetParam();
  const std::filesystem::path model = ramiel::testing::zoo_dir(name) / "model.onnx";
  if (!std::filesystem::exists(model)) {
    GTEST_SKIP() << model.string() << " is missing; generate it with: /usr/bin/python3 models/zoo.py --out models/cache " << name;
  }
  ir::Graph graph = ir::import_onnx_file(model.string());
  TaskGraph g = task_graph_from_ir(graph, cost::analytic_times_ms(graph));
  for (int threads : {1, 2, 4, 16}) {
    SchedulerOptions options;
    options.threads = threads;
    Schedule s = compile_schedule(g, options);
    const ScheduleStats& st = s.stats;
    ASSERT_EQ(find_plan_problem(s.plan, g).value_or("ok"), "ok") << name << " P=" << threads;
    EXPECT_LE(st.workers, threads);
    EXPECT_GE(st.makespan_ms, st.lower_bound_ms * (1 - 1e-9));
    EXPECT_LE(st.makespan_ms, st.serial_ms * (1 + 1e-9));
    if (threads == 1) {
      EXPECT_EQ(st.workers, 1);
    }
    // Every step names a node of the IR graph; each live node runs once.
    size_t runs = 0;
    for (const WorkerProgram& w : s.plan.workers) {
      for (const Step& step : w.steps) {
        ASSERT_FALSE(graph.node(step.node).removed);
        runs += step.kind == StepKind::kRun ? 1 : 0;
      }
    }
    EXPECT_EQ(runs, graph.live_node_count());
    // Not far behind the HEFT baseline.
    Plan heft = assemble_plan(g, list_schedule(g, threads, options.comm));
    EXPECT_LE(st.makespan_ms, simulate(g, heft, options.comm).makespan_ms * 1.05) << name << " P=" << threads;
    RecordProperty("makespan_ms_P" + std::to_string(threads), std::to_string(st.makespan_ms));
  }
}

// With slices that cost 1/k of the node plus 5% of it (nodes over 0.05 ms only), the hybrid
// scheduler gives sound plans, never slower than the unsplit ones, in a few milliseconds.
TEST_P(ZooSchedule, HybridSchedulesAreSoundAndNeverSlower) {
  const std::string& name = GetParam();
  const std::filesystem::path model = ramiel::testing::zoo_dir(name) / "model.onnx";
  if (!std::filesystem::exists(model)) GTEST_SKIP() << model.string() << " is missing";
  ir::Graph graph = ir::import_onnx_file(model.string());
  const std::vector<double> node_ms = cost::analytic_times_ms(graph);
  TaskGraph g = task_graph_from_ir(graph, node_ms);
  SliceCostFn slice_ms = [&node_ms](ir::NodeId node, int k) {
    const double cost = node_ms[static_cast<size_t>(node)];
    return cost > 0.05 ? cost * (1.0 / k + 0.05) : -1.0;
  };
  for (int threads : {2, 4, 16}) {
    SchedulerOptions options;
    options.threads = threads;
    Schedule s = compile_hybrid_schedule(graph, node_ms, slice_ms, options);
    const ScheduleStats& st = s.stats;
    ASSERT_EQ(find_plan_problem(s.plan, g).value_or("ok"), "ok") << name << " P=" << threads;
    EXPECT_LE(st.workers, threads);
    EXPECT_LE(st.makespan_ms, st.unsplit_makespan_ms * (1 + 1e-9)) << name << " P=" << threads;
    EXPECT_GE(st.makespan_ms, st.lower_bound_ms * (1 - 1e-9)) << name << " P=" << threads;
    EXPECT_NEAR(simulate(g, s.plan, options.comm, slice_ms).makespan_ms, st.makespan_ms, 1e-9 * st.makespan_ms);
    EXPECT_EQ(split_nodes(s.plan).size(), st.split_nodes);
    // Lowered: one step per plan step, slices with their index and count.
    ir::Graph lowered_graph = graph;
    WorkerNodes lowered = lower_plan(lowered_graph, s.plan);
    size_t lowered_slices = 0, lowered_steps = 0;
    for (const auto& steps : lowered) {
      lowered_steps += steps.size();
      for (const LoweredStep& step : steps) lowered_slices += step.sliced() ? 1 : 0;
    }
    EXPECT_EQ(lowered_steps, s.plan.step_count());
    EXPECT_EQ(lowered_slices, st.slices);
    std::cout << name << " P=" << threads << ": " << g.task_count() << " nodes, makespan " << st.unsplit_makespan_ms << " -> "
              << st.makespan_ms << " ms, " << st.split_nodes << " nodes split into " << st.slices << " slices, " << st.split_trials
              << " trials, compile " << s.times.total_ms << " ms\n";
  }
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooSchedule, ::testing::ValuesIn(ramiel::testing::zoo_models()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace ramiel::schedule
