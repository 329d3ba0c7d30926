#include "schedule/scheduler.h"

#include <gtest/gtest.h>

#include "ramiel/error.h"
#include "schedule/cloning.h"
#include "schedule/list_scheduler.h"
#include "schedule/plan_builder.h"
#include "schedule/random_dag.h"
#include "support/graph_builder.h"
#include "task_graphs.h"

namespace ramiel::schedule {
namespace {

using testing::chain;
using testing::free_comm;
using testing::make_graph;

Schedule compile(const TaskGraph& g, int threads, CommModel comm = free_comm()) {
  SchedulerOptions options;
  options.threads = threads;
  options.comm = comm;
  Schedule s = compile_schedule(g, options);
  EXPECT_EQ(find_plan_problem(s.plan, g).value_or("ok"), "ok");
  EXPECT_DOUBLE_EQ(simulate(g, s.plan, comm).makespan_ms, s.stats.makespan_ms);
  return s;
}

/// fork (1) -> `branches` branches costing `branch_ms` -> join (1).
TaskGraph fork_join(int branches, double branch_ms) {
  TaskGraphBuilder b;
  b.add_task(1.0);
  for (int i = 0; i < branches; ++i) {
    b.add_task(branch_ms);
    b.add_edge(0, i + 1, 0);
  }
  TaskId join = b.add_task(1.0);
  for (int i = 0; i < branches; ++i) b.add_edge(i + 1, join, 0);
  return b.build();
}

TEST(Scheduler, ChainRunsOnOneWorker) {
  TaskGraph g = chain(10, 1.0);
  Schedule s = compile(g, 4, CommModel{});
  EXPECT_EQ(s.stats.workers, 1);
  EXPECT_EQ(s.stats.clusters_initial, 1u);
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 10);
  EXPECT_TRUE(s.plan.dependencies.empty());
}

TEST(Scheduler, TwoEqualChainsUseTwoWorkers) {
  TaskGraph g = make_graph({1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {5, 6}, {6, 7}, {7, 8}, {8, 9}});
  Schedule s = compile(g, 2);
  EXPECT_EQ(s.stats.workers, 2);
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 5);
  EXPECT_DOUBLE_EQ(s.stats.serial_ms, 10);
  EXPECT_DOUBLE_EQ(s.stats.lower_bound_ms, 5);
  EXPECT_TRUE(s.plan.dependencies.empty());
}

TEST(Scheduler, ForkJoin) {
  TaskGraph g = fork_join(4, 4.0);
  Schedule four = compile(g, 4);
  EXPECT_EQ(four.stats.workers, 4);
  EXPECT_DOUBLE_EQ(four.stats.makespan_ms, 6);  // the critical path
  EXPECT_DOUBLE_EQ(four.stats.lower_bound_ms, 6);
  Schedule two = compile(g, 2);
  EXPECT_EQ(two.stats.workers, 2);
  EXPECT_DOUBLE_EQ(two.stats.makespan_ms, 10);  // two branches per worker
  EXPECT_DOUBLE_EQ(two.stats.lower_bound_ms, 9);
}

TEST(Scheduler, InceptionBlock) {
  // GoogLeNet's four branches (1x1 | 1x1->3x3 | 1x1->5x5 | pool->1x1) into a Concat, built as IR.
  ir::Graph graph = ramiel::testing::GraphBuilder().input("x", {1})
                        .node("b1", "Conv", {"x"}, {"b1"})
                        .node("b2a", "Conv", {"x"}, {"b2a"}).node("b2b", "Conv", {"b2a"}, {"b2b"})
                        .node("b3a", "Conv", {"x"}, {"b3a"}).node("b3b", "Conv", {"b3a"}, {"b3b"})
                        .node("b4a", "MaxPool", {"x"}, {"b4a"}).node("b4b", "Conv", {"b4a"}, {"b4b"})
                        .node("cat", "Concat", {"b1", "b2b", "b3b", "b4b"}, {"y"}).output("y").build();
  TaskGraph g = task_graph_from_ir(graph, {2, 1, 6, 1, 3, 1, 1, 0.5});
  Schedule four = compile(g, 4);
  EXPECT_DOUBLE_EQ(four.stats.critical_path_ms, 7.5);  // b2a -> b2b -> cat
  EXPECT_DOUBLE_EQ(four.stats.makespan_ms, 7.5);
  EXPECT_LE(four.stats.workers, 4);
  Schedule two = compile(g, 2);
  EXPECT_DOUBLE_EQ(two.stats.lower_bound_ms, 7.75);
  // Optimal: the branches' 15 ms of whole-millisecond tasks split 7 + 8 at best, then the 0.5 ms Concat.
  EXPECT_DOUBLE_EQ(two.stats.makespan_ms, 8.5);
}

TEST(Scheduler, OneThreadGivesTheSerialOrder) {
  TaskGraph g = random_dag(DagShape::kLayered, 300, 3);
  Schedule s = compile(g, 1, CommModel{});
  ASSERT_EQ(s.plan.worker_count(), 1);
  ASSERT_EQ(s.plan.workers[0].steps.size(), g.task_count());
  for (size_t i = 0; i < g.task_count(); ++i) {
    EXPECT_EQ(s.plan.workers[0].steps[i].node, g.node_of(static_cast<TaskId>(i)));
    EXPECT_EQ(s.plan.workers[0].steps[i].kind, StepKind::kRun);
  }
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, g.total_work_ms());
  EXPECT_EQ(s.stats.mapping, "serial");
}

TEST(Scheduler, ExpensiveSynchronisationMeansFewerWorkers) {
  // Two 1 ms branches cannot pay for 1 ms hand-offs: in parallel 1 + (1 + 1) + (1 + 1) = 5 > 4.
  TaskGraph g = fork_join(2, 1.0);
  Schedule s = compile(g, 8, CommModel{1.0, 0.0});
  EXPECT_EQ(s.stats.workers, 1);
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 4);
  // With free hand-offs they run in parallel.
  Schedule free = compile(g, 8);
  EXPECT_EQ(free.stats.workers, 2);
  EXPECT_DOUBLE_EQ(free.stats.makespan_ms, 3);
  // A gain below the tolerance (2%) does not justify a second worker: 2.01 vs 2.02 ms.
  EXPECT_EQ(compile(fork_join(2, 0.01), 8).stats.workers, 1);
}

TEST(Scheduler, RejectsZeroThreads) {
  SchedulerOptions options;
  options.threads = 0;
  try {
    compile_schedule(chain(3, 1.0), options);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
  }
}

TEST(Scheduler, EmptyGraph) {
  TaskGraph g = TaskGraphBuilder().build();
  Schedule s = compile(g, 4);
  EXPECT_EQ(s.plan.worker_count(), 1);
  EXPECT_DOUBLE_EQ(s.stats.makespan_ms, 0);
}

TEST(Cloning, CheapInputIsRecomputedInsteadOfAwaited) {
  // Worker 0: heavy task 0, then cheap task 1; worker 1: heavy task 2 reads task 1. Waiting costs
  // 10 ms; recomputing task 1 on worker 1 costs 0.01 ms.
  TaskGraph g = make_graph({10, 0.01, 10}, {{1, 2}});
  CommModel comm{0.001, 0.0};
  WorkerOrders orders = {{{0}, {1}}, {{2}}};
  const double before = simulate(g, assemble_plan(g, orders), comm).makespan_ms;
  CloningOptions options;
  options.max_task_fraction = 0.01;
  CloningResult r = clone_tasks(g, orders, comm, options);
  EXPECT_EQ(r.cloned, 1u);
  EXPECT_NEAR(r.cloned_ms, 0.01, 1e-12);
  EXPECT_LT(r.makespan_ms, before);
  EXPECT_NEAR(r.makespan_ms, 10.01, 1e-9);
  Plan plan = assemble_plan(g, r.orders);
  EXPECT_EQ(find_plan_problem(plan, g).value_or("ok"), "ok");
  EXPECT_TRUE(plan.dependencies.empty());
  EXPECT_EQ(plan.clone_count(), 1u);
}

TEST(Cloning, NeverClonesExpensiveOrSideEffectingTasks) {
  CommModel comm{0.001, 0.0};
  WorkerOrders orders = {{{0}, {1}}, {{2}}};
  // Task 1 now costs 1 ms: more than 0.5% of W.
  TaskGraph expensive = make_graph({10, 1, 10}, {{1, 2}});
  EXPECT_EQ(clone_tasks(expensive, orders, comm).cloned, 0u);
  TaskGraphBuilder b;
  b.add_task(10.0);
  b.add_task(TaskInfo{0.01, false});
  b.add_task(10.0);
  b.add_edge(1, 2, 0);
  EXPECT_EQ(clone_tasks(b.build(), orders, comm).cloned, 0u);
}

TEST(ListScheduler, ReachesTheCriticalPathOnAForkJoin) {
  TaskGraph g = fork_join(4, 4.0);
  Plan plan = assemble_plan(g, list_schedule(g, 4, free_comm()));
  EXPECT_EQ(find_plan_problem(plan, g).value_or("ok"), "ok");
  EXPECT_DOUBLE_EQ(simulate(g, plan, free_comm()).makespan_ms, 6);
  Plan two = assemble_plan(g, list_schedule(g, 2, free_comm()));
  EXPECT_DOUBLE_EQ(simulate(g, two, free_comm()).makespan_ms, 10);
}

TEST(Scheduler, AffinityAloneWhenNotEveryMappingStrategy) {
  // On small graphs some DAGs are mapped best by another strategy (7 of these 100, all within 0.1%
  // of affinity); with every_mapping_strategy off the scheduler must use affinity alone, and can
  // then only be as good or worse (within the worker tolerance, which may pick fewer workers).
  int other_strategy_chosen = 0;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    TaskGraph g = random_dag(static_cast<DagShape>(seed % 3), 20 + seed % 7 * 15, seed, 2 + static_cast<int>(seed % 5));
    SchedulerOptions every;
    every.threads = 2 + static_cast<int>(seed / 3 % 4);
    every.comm = CommModel{0.002, 0.0};
    every.clone = false;
    SchedulerOptions affinity = every;
    affinity.every_mapping_strategy = false;
    Schedule all = compile_schedule(g, every);
    Schedule one = compile_schedule(g, affinity);
    if (all.stats.mapping.rfind("affinity", 0) != 0 && all.stats.mapping.rfind("serial", 0) != 0) ++other_strategy_chosen;
    EXPECT_TRUE(one.stats.mapping.rfind("affinity", 0) == 0 || one.stats.mapping.rfind("serial", 0) == 0) << one.stats.mapping;
    EXPECT_LE(all.stats.makespan_ms, one.stats.makespan_ms * (1 + every.worker_tolerance) + 1e-9) << seed;
  }
  EXPECT_GT(other_strategy_chosen, 0);  // the option made a difference somewhere
}

}  // namespace
}  // namespace ramiel::schedule
