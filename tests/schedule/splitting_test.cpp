#include "schedule/splitting.h"

#include <gtest/gtest.h>

#include <iostream>
#include <vector>

#include "ramiel/error.h"
#include "schedule/plan_lowering.h"
#include "schedule/random_dag.h"
#include "schedule/simulator.h"
#include "support/graph_builder.h"
#include "task_graphs.h"

namespace ramiel::schedule {
namespace {

using testing::chain;
using testing::free_comm;
using testing::make_graph;

SchedulerOptions options_for(int threads, CommModel comm = free_comm()) {
  SchedulerOptions options;
  options.threads = threads;
  options.comm = comm;
  return options;
}

/// Slices of every node cost `fraction` of the node's cost in `graph`, for any slice count.
SliceCostFn fraction_of(const TaskGraph& graph, double fraction) {
  return [&graph, fraction](ir::NodeId node, int) { return fraction * graph.cost_ms(graph.task_of(node)); };
}

/// No node can be split.
double never(ir::NodeId, int) { return -1; }

/// fork -> `branches` branches costing `branch_ms` -> join; fork and join cost `end_ms`.
TaskGraph fork_join(int branches, double branch_ms, double end_ms) {
  TaskGraphBuilder b;
  b.add_task(end_ms);
  for (int i = 0; i < branches; ++i) {
    b.add_task(branch_ms);
    b.add_edge(0, i + 1, 0);
  }
  TaskId join = b.add_task(end_ms);
  for (int i = 0; i < branches; ++i) b.add_edge(i + 1, join, 0);
  return b.build();
}

/// Compiles with slices, checking what every hybrid schedule must satisfy.
Schedule compile(const TaskGraph& g, const SliceCostFn& slice_ms, const SchedulerOptions& options) {
  Schedule s = compile_hybrid_schedule(g, slice_ms, options);
  EXPECT_EQ(find_plan_problem(s.plan, g).value_or("ok"), "ok");
  EXPECT_DOUBLE_EQ(simulate(g, s.plan, options.comm, slice_ms).makespan_ms, s.stats.makespan_ms);
  EXPECT_DOUBLE_EQ(s.simulation.makespan_ms, s.stats.makespan_ms);
  EXPECT_LE(s.stats.lower_bound_ms, s.stats.makespan_ms * (1 + 1e-9));
  EXPECT_LE(s.plan.worker_count(), options.threads);
  return s;
}

size_t slice_steps(const Plan& plan) {
  size_t count = 0;
  for (const WorkerProgram& w : plan.workers) {
    for (const Step& s : w.steps) count += s.kind == StepKind::kSlice ? 1 : 0;
  }
  return count;
}

TEST(Splitting, ChainOfHeavyNodesIsSplitAcrossIdleWorkers) {
  TaskGraph g = chain(2, 10.0);  // no inter-operator parallelism at all
  Schedule s = compile(g, fraction_of(g, 0.6), options_for(2));
  EXPECT_EQ(s.stats.unsplit_makespan_ms, 20);
  EXPECT_EQ(s.stats.split_nodes, 2u);
  EXPECT_EQ(s.stats.slices, 4u);
  EXPECT_EQ(slice_steps(s.plan), 4u);
  EXPECT_EQ(s.plan.worker_count(), 2);
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 12);  // two slices of 6 ms, one after the other
  EXPECT_EQ(split_nodes(s.plan), (std::vector<NodeSplit>{{0, 2}, {1, 2}}));
  // Each worker runs one slice of each node; the second node waits for the first's other slice.
  for (const WorkerProgram& w : s.plan.workers) {
    ASSERT_EQ(w.steps.size(), 2u);
    EXPECT_EQ(w.steps[0].node, 0);
    EXPECT_EQ(w.steps[1].node, 1);
  }
  EXPECT_EQ(s.plan.dependencies.size(), 2u);
}

TEST(Splitting, SimulationUsesTheSliceCostNotCostOverK) {
  TaskGraph g = chain(1, 10.0);
  Schedule s = compile(g, fraction_of(g, 0.7), options_for(2));
  ASSERT_EQ(s.stats.split_nodes, 1u);
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 7);  // not 10 / 2
  EXPECT_DOUBLE_EQ(simulate(g, s.plan, free_comm()).makespan_ms, 5);  // the cost/k fallback differs
}

TEST(Splitting, PicksTheSliceCountWithTheLargestGain) {
  TaskGraph g = chain(1, 12.0);
  // 2 slices: 7 ms, 3 slices: 5 ms, 4 slices: cannot.
  SliceCostFn slices = [](ir::NodeId, int k) { return k == 2 ? 7.0 : k == 3 ? 5.0 : -1.0; };
  Schedule s = compile(g, slices, options_for(4));
  EXPECT_EQ(split_nodes(s.plan), (std::vector<NodeSplit>{{0, 3}}));
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 5);
}

TEST(Splitting, BranchesThatFillTheWorkersAreNotSplit) {
  TaskGraph g = fork_join(4, 10.0, 0.01);
  Schedule s = compile(g, fraction_of(g, 0.55), options_for(4));
  EXPECT_EQ(s.stats.split_nodes, 0u);
  EXPECT_EQ(slice_steps(s.plan), 0u);
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 10.02);
  EXPECT_EQ(s.plan, compile_schedule(g, options_for(4)).plan);
}

TEST(Splitting, HeavyForkAndJoinAreSplitButNotTheBranches) {
  TaskGraph g = fork_join(4, 10.0, 1.0);
  // k slices cost 1/k of the node plus 10% for running narrower.
  SliceCostFn slices = [&g](ir::NodeId node, int k) { return g.cost_ms(g.task_of(node)) * (1.0 / k + 0.1); };
  Schedule s = compile(g, slices, options_for(4));
  EXPECT_EQ(split_nodes(s.plan), (std::vector<NodeSplit>{{0, 4}, {5, 4}}));
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 0.35 + 10 + 0.35);
}

TEST(Splitting, OnlyNodesOnIdleStretchesAreSplit) {
  // 0 -> {1, 2} -> 3 -> 4: the branches fill both workers; the head and the tail leave one idle.
  TaskGraph g = make_graph({1, 10, 10, 10, 0.5}, {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}});
  Schedule s = compile(g, fraction_of(g, 0.6), options_for(2));
  EXPECT_EQ(split_nodes(s.plan), (std::vector<NodeSplit>{{0, 2}, {3, 2}, {4, 2}}));
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 0.6 + 10 + 6 + 0.3);
  EXPECT_DOUBLE_EQ(s.stats.unsplit_makespan_ms, 1 + 10 + 10 + 0.5);
}

TEST(Splitting, UnsplittableNodesGiveTheUnsplitSchedule) {
  for (int threads : {1, 2, 4}) {
    TaskGraph g = make_graph({1, 5, 2, 8, 1}, {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}});
    Schedule hybrid = compile(g, never, options_for(threads));
    Schedule plain = compile_schedule(g, options_for(threads));
    EXPECT_EQ(hybrid.plan, plain.plan) << threads;
    EXPECT_DOUBLE_EQ(hybrid.stats.makespan_ms, plain.stats.makespan_ms);
    EXPECT_EQ(hybrid.stats.split_nodes, 0u);
    EXPECT_EQ(hybrid.stats.slices, 0u);
    // An empty function behaves the same.
    EXPECT_EQ(compile_hybrid_schedule(g, SliceCostFn{}, options_for(threads)).plan, plain.plan);
  }
}

TEST(Splitting, OneThreadNeverSplits) {
  TaskGraph g = chain(3, 10.0);
  Schedule s = compile(g, fraction_of(g, 0.1), options_for(1));
  EXPECT_EQ(s.stats.split_nodes, 0u);
  EXPECT_EQ(s.plan, compile_schedule(g, options_for(1)).plan);
  EXPECT_THROW(compile_hybrid_schedule(g, fraction_of(g, 0.1), options_for(0)), Error);
}

TEST(Splitting, SmallGainsWithinTheToleranceAreNotWorthASplit) {
  TaskGraph g = chain(1, 10.0);
  Schedule s = compile(g, fraction_of(g, 0.99), options_for(2));  // 1% faster: within the 2% tolerance
  EXPECT_EQ(s.stats.split_nodes, 0u);
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 10);
}

TEST(Splitting, HandOffCostsAreWeighed) {
  TaskGraph g = chain(2, 1.0);
  // Saving 0.4 ms per node cannot pay for 1 ms hand-offs.
  Schedule s = compile(g, fraction_of(g, 0.6), options_for(2, CommModel{1.0, 0.0}));
  EXPECT_EQ(s.stats.split_nodes, 0u);
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 2);
}

TEST(Splitting, ConsumersOfSplitNodesAreNotFedByClones) {
  // A cheap cloneable producer feeding a split node and a parallel branch: slices read originals.
  TaskGraph g = make_graph({0.01, 10, 10, 0.01, 10}, {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}, {0, 4}});
  Schedule s = compile(g, fraction_of(g, 0.55), options_for(2, CommModel{0.05, 0.0}));
  EXPECT_GE(s.stats.split_nodes, 1u);
  EXPECT_LT(s.stats.makespan_ms, s.stats.unsplit_makespan_ms);
}

TEST(Splitting, IsDeterministic) {
  TaskGraph g = make_graph({1, 4, 9, 3, 7, 2, 6}, {{0, 1}, {0, 2}, {1, 3}, {2, 4}, {3, 5}, {4, 5}, {5, 6}});
  SliceCostFn slices = [&g](ir::NodeId node, int k) { return g.cost_ms(g.task_of(node)) * (0.3 + 0.9 / k); };
  Schedule first = compile(g, slices, options_for(3));
  for (int i = 0; i < 3; ++i) {
    Schedule again = compile_hybrid_schedule(g, slices, options_for(3));
    EXPECT_EQ(again.plan, first.plan);
    EXPECT_EQ(again.stats.makespan_ms, first.stats.makespan_ms);
  }
  EXPECT_GT(first.stats.split_nodes, 0u);
}

TEST(Splitting, RandomGraphsGiveSoundPlansNeverSlowerThanUnsplit) {
  size_t plans_with_splits = 0, plans = 0;
  for (DagShape shape : {DagShape::kLayered, DagShape::kForkJoin, DagShape::kWindow}) {
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      TaskGraph g = random_dag(shape, 150, seed, 4);
      // Nodes over 0.1 ms split with 10% overhead; odd nodes only into even slice counts.
      SliceCostFn slices = [&g](ir::NodeId node, int k) {
        const double cost = g.cost_ms(g.task_of(node));
        if (cost < 0.1 || (node % 2 == 1 && k % 2 == 1)) return -1.0;
        return cost * (1.0 / k + 0.1);
      };
      for (int threads : {2, 3, 8}) {
        for (CommModel comm : {free_comm(), CommModel{0.002, 1e-6}}) {
          Schedule s = compile(g, slices, options_for(threads, comm));
          EXPECT_LE(s.stats.makespan_ms, s.stats.unsplit_makespan_ms * (1 + 1e-9)) << "seed " << seed << " P=" << threads;
          EXPECT_EQ(slice_steps(s.plan), s.stats.slices);
          plans_with_splits += s.stats.split_nodes > 0 ? 1 : 0;
          ++plans;
          for (const NodeSplit& split : split_nodes(s.plan)) {
            EXPECT_GE(split.slices, 2);
            EXPECT_LE(split.slices, threads);
            EXPECT_GE(slices(split.node, split.slices), 0);
          }
        }
      }
    }
  }
  EXPECT_GT(plans_with_splits, plans / 4);  // the property checks above cover real splits
  std::cout << plans_with_splits << " of " << plans << " plans split nodes\n";
}

TEST(Splitting, IrOverloadPlansOverTheGraphsNodeIds) {
  ir::Graph graph = ramiel::testing::GraphBuilder()
                        .input("x", {1, 8})
                        .node("a", "Relu", {"x"}, {"y"})
                        .node("b", "MatMul", {"y", "y"}, {"z"})
                        .output("z")
                        .build();
  std::vector<double> node_ms(graph.nodes().size(), 0.0);
  node_ms[0] = 1;
  node_ms[1] = 10;
  SliceCostFn slices = [](ir::NodeId node, int k) { return node == 1 && k == 2 ? 6.0 : -1.0; };
  Schedule s = compile_hybrid_schedule(graph, node_ms, slices, options_for(2));
  EXPECT_EQ(split_nodes(s.plan), (std::vector<NodeSplit>{{1, 2}}));
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 7);
  EXPECT_EQ(find_plan_problem(s.plan, task_graph_from_ir(graph, node_ms)).value_or("ok"), "ok");
}

TEST(PlanLowering, SlicesBecomeLoweredStepsOfTheirNode) {
  ir::Graph graph = ramiel::testing::GraphBuilder()
                        .input("x", {1, 8})
                        .node("a", "Relu", {"x"}, {"y"})
                        .node("b", "MatMul", {"y", "y"}, {"z"})
                        .node("c", "Relu", {"z"}, {"out"})
                        .output("out")
                        .build();
  Plan plan;
  plan.workers = {WorkerProgram{{{StepKind::kRun, 0}, {StepKind::kSlice, 1, 0, 2}, {StepKind::kRun, 2}}},
                  WorkerProgram{{{StepKind::kClone, 0}, {StepKind::kSlice, 1, 1, 2}}}};
  const size_t nodes_before = graph.nodes().size();
  const std::vector<ir::ValueId> b_inputs = graph.node(1).inputs;
  WorkerNodes lowered = lower_plan(graph, plan);
  ASSERT_EQ(lowered.size(), 2u);
  EXPECT_EQ(lowered[0], (std::vector<LoweredStep>{{0, 0, 1}, {1, 0, 2}, {2, 0, 1}}));
  ASSERT_EQ(lowered[1].size(), 2u);
  EXPECT_EQ(lowered[1][0].node, static_cast<ir::NodeId>(nodes_before));  // the clone is a new node
  EXPECT_FALSE(lowered[1][0].sliced());
  EXPECT_EQ(lowered[1][1], (LoweredStep{1, 1, 2}));
  EXPECT_TRUE(lowered[1][1].sliced());
  EXPECT_EQ(graph.node(1).inputs, b_inputs);  // slices read the original, not worker 1's clone
  plan.workers[1].steps[1].slice_index = 2;
  EXPECT_THROW(lower_plan(graph, plan), Error);
}

}  // namespace
}  // namespace ramiel::schedule
