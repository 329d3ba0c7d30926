#include "schedule/simulator.h"

#include <gtest/gtest.h>

#include "ramiel/error.h"
#include "schedule/plan_builder.h"
#include "task_graphs.h"

namespace ramiel::schedule {
namespace {

using testing::make_graph;

TEST(Simulator, SerialPlanTakesTheTotalWork) {
  TaskGraph g = make_graph({1, 2, 3}, {{0, 1}, {1, 2}});
  Simulation sim = simulate(g, assemble_plan(g, serial_orders(g)), CommModel{});
  EXPECT_DOUBLE_EQ(sim.makespan_ms, 6);
  EXPECT_DOUBLE_EQ(sim.busy_ms[0], 6);
  EXPECT_TRUE(sim.idle_gaps[0].empty());
  EXPECT_DOUBLE_EQ(sim.steps[0][2].start_ms, 3);
}

TEST(Simulator, CrossWorkerEdgesCostTheHandOff) {
  // Diamond 0 -> {1, 2} -> 3 with 2 on worker 1: two hand-offs of 0.5 ms plus 8 bytes at 0.25 ms/byte.
  TaskGraphBuilder b;
  for (double c : {1.0, 2.0, 3.0, 1.0}) b.add_task(c);
  b.add_edge(0, 1, 0);
  b.add_edge(0, 2, 8);
  b.add_edge(1, 3, 0);
  b.add_edge(2, 3, 0);
  TaskGraph g = b.build();
  Plan plan = assemble_plan(g, {{{0}, {1}, {3}}, {{2}}});
  Simulation sim = simulate(g, plan, CommModel{0.5, 0.25});
  // Task 2 starts at 1 + 0.5 + 2 = 3.5, ends 6.5; task 3 starts at 6.5 + 0.5 = 7, ends 8.
  EXPECT_DOUBLE_EQ(sim.steps[1][0].start_ms, 3.5);
  EXPECT_DOUBLE_EQ(sim.steps[0][2].start_ms, 7);
  EXPECT_DOUBLE_EQ(sim.makespan_ms, 8);
  EXPECT_DOUBLE_EQ(sim.busy_ms[0], 4);
  EXPECT_DOUBLE_EQ(sim.idle_ms(1), 5);
  ASSERT_EQ(sim.idle_gaps[0].size(), 1u);
  EXPECT_DOUBLE_EQ(sim.idle_gaps[0][0].start_ms, 3);
  EXPECT_DOUBLE_EQ(sim.idle_gaps[0][0].end_ms, 7);
  ASSERT_EQ(sim.idle_gaps[1].size(), 1u);  // waiting for task 0 to arrive
  EXPECT_DOUBLE_EQ(sim.sync_delay_ms, (0.5 + 8 * 0.25) + 0.5);
}

TEST(Simulator, SlicesCostTheirShare) {
  TaskGraph g = make_graph({4}, {});
  Plan plan;
  plan.workers = {WorkerProgram{{{StepKind::kSlice, 0, 0, 2}}}, WorkerProgram{{{StepKind::kSlice, 0, 1, 2}}}};
  EXPECT_DOUBLE_EQ(simulate(g, plan, CommModel{}).makespan_ms, 2);
}

TEST(Simulator, SlicesCostWhatTheSliceCostsSay) {
  TaskGraph g = make_graph({4, 1}, {{0, 1}});
  Plan plan;
  plan.workers = {WorkerProgram{{{StepKind::kSlice, 0, 0, 2}, {StepKind::kRun, 1}}}, WorkerProgram{{{StepKind::kSlice, 0, 1, 2}}}};
  plan.dependencies = {CrossDependency{0, {}, 0, 1, 0, 0, 1}};
  SliceCostFn slices = [](ir::NodeId node, int k) { return node == 0 && k == 2 ? 3.0 : -1.0; };
  Simulation sim = simulate(g, plan, CommModel{0.0, 0.0}, slices);
  EXPECT_DOUBLE_EQ(sim.steps[1][0].finish_ms, 3);
  EXPECT_DOUBLE_EQ(sim.makespan_ms, 4);
  EXPECT_DOUBLE_EQ(step_cost_ms(g, plan.workers[0].steps[0], slices), 3);
  EXPECT_DOUBLE_EQ(step_cost_ms(g, plan.workers[0].steps[1], slices), 1);
  // A split the slice costs do not allow is an error.
  SliceCostFn unsplittable = [](ir::NodeId, int) { return -1.0; };
  EXPECT_THROW(simulate(g, plan, CommModel{}, unsplittable), Error);
}

TEST(Simulator, DeadlockAndBadReferencesThrow) {
  TaskGraph g = make_graph({1, 1, 1, 1}, {{0, 2}, {1, 3}});
  Plan plan;
  plan.workers = {WorkerProgram{{{StepKind::kRun, 3}, {StepKind::kRun, 0}}}, WorkerProgram{{{StepKind::kRun, 2}, {StepKind::kRun, 1}}}};
  plan.dependencies = {CrossDependency{0, {}, 0, 0, 1, 1, 0}, CrossDependency{1, {}, 0, 1, 1, 0, 0}};
  EXPECT_THROW(simulate(g, plan, CommModel{}), Error);
  plan.dependencies = {CrossDependency{0, {}, 0, 0, 5, 1, 0}};
  EXPECT_THROW(simulate(g, plan, CommModel{}), Error);
}

}  // namespace
}  // namespace ramiel::schedule
