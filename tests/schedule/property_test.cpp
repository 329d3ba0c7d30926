// Properties every plan must have, on thousands of random DAGs (layered, fork/join and sparse
// random shapes, 1 to 2,000 tasks, fixed seeds): every task runs exactly once (clones aside),
// every dependency is met by program order or a cross-worker edge, no deadlock, and
// max(CP, W/P) <= makespan <= W; plans round-trip through JSON; the simulator agrees with the
// scheduler's figures; the HEFT baseline obeys the same rules.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "schedule/list_scheduler.h"
#include "schedule/plan_builder.h"
#include "schedule/plan_json.h"
#include "schedule/random_dag.h"
#include "schedule/scheduler.h"
#include "schedule/linear_clustering.h"
#include "schedule/upward_rank.h"
#include "schedule/worker_mapping.h"

namespace ramiel::schedule {
namespace {

constexpr double kEpsilon = 1e-9;

struct Case {
  DagShape shape;
  size_t tasks;
  int threads;
  CommModel comm;
  uint64_t seed;
};

Case random_case(uint64_t seed, DagShape shape) {
  std::mt19937_64 rng(seed);
  Case c;
  c.shape = shape;
  c.seed = seed;
  // Log-uniform size in [1, 2000]: mostly small graphs, some large.
  c.tasks = static_cast<size_t>(std::exp(std::uniform_real_distribution<double>(0, std::log(2000.0))(rng)));
  const int threads[] = {1, 2, 3, 4, 8, 16};
  c.threads = threads[rng() % 6];
  const double syncs[] = {0.0, 0.001, 0.05};
  c.comm = CommModel{syncs[rng() % 3], rng() % 4 == 0 ? 1e-8 : 0.0};
  return c;
}

std::string describe(const Case& c) {
  return "shape " + std::to_string(static_cast<int>(c.shape)) + ", " + std::to_string(c.tasks) + " tasks, P=" +
         std::to_string(c.threads) + ", sync " + std::to_string(c.comm.sync_ms) + ", seed " + std::to_string(c.seed);
}

void check_plan_bounds(const TaskGraph& g, const Plan& plan, const CommModel& comm, int threads, double lower_bound,
                       const std::string& what) {
  ASSERT_EQ(find_plan_problem(plan, g).value_or("ok"), "ok") << what;
  ASSERT_LE(plan.worker_count(), std::max(threads, 1)) << what;
  const double makespan = simulate(g, plan, comm).makespan_ms;
  ASSERT_GE(makespan, lower_bound * (1 - kEpsilon) - kEpsilon) << what;
}

void check_case(const Case& c) {
  const std::string what = describe(c);
  TaskGraph g = random_dag(c.shape, c.tasks, c.seed, 1 + static_cast<int>(c.seed % 16));
  SchedulerOptions options;
  options.threads = c.threads;
  options.comm = c.comm;
  Schedule s = compile_schedule(g, options);
  const ScheduleStats& st = s.stats;

  ASSERT_EQ(find_plan_problem(s.plan, g).value_or("ok"), "ok") << what;
  ASSERT_LE(st.workers, c.threads) << what;
  ASSERT_DOUBLE_EQ(st.serial_ms, g.total_work_ms()) << what;
  ASSERT_NEAR(st.lower_bound_ms, std::max(g.critical_path_ms(), g.total_work_ms() / c.threads), kEpsilon) << what;
  ASSERT_GE(st.makespan_ms, st.lower_bound_ms * (1 - kEpsilon) - kEpsilon) << what;
  ASSERT_LE(st.makespan_ms, st.serial_ms * (1 + kEpsilon) + kEpsilon) << what;
  if (c.threads == 1) {
    ASSERT_EQ(st.workers, 1) << what;
  }
  // The plan's own simulation is the one reported.
  ASSERT_DOUBLE_EQ(simulate(g, s.plan, c.comm).makespan_ms, st.makespan_ms) << what;
  // Clones stay within budget.
  ASSERT_LE(st.cloned_ms, options.cloning.budget_fraction * st.serial_ms + kEpsilon) << what;
  ASSERT_EQ(s.plan.clone_count(), st.cloned_tasks) << what;
  // JSON round trip, through text (every third case: parsing dominates the test's run time).
  if (c.seed % 3 == 0) {
    ASSERT_EQ(plan_from_json(nlohmann::json::parse(plan_to_json(s.plan).dump())), s.plan) << what;
  }

  // The HEFT baseline obeys the same rules.
  check_plan_bounds(g, assemble_plan(g, list_schedule(g, c.threads, c.comm)), c.comm, c.threads, st.lower_bound_ms, what + " (HEFT)");
}

class RandomDags : public ::testing::TestWithParam<DagShape> {};

TEST_P(RandomDags, PlansAreSoundAndWithinBounds) {
  const uint64_t base = 1000 * (static_cast<uint64_t>(GetParam()) + 1);
  for (uint64_t i = 0; i < 1000; ++i) {
    check_case(random_case(base + i, GetParam()));
    if (HasFatalFailure()) return;
  }
}

TEST_P(RandomDags, MapperEstimateBoundsTheSimulation) {
  // Without byte costs the mapper's makespan is an upper bound on the simulated one (tasks placed
  // into gaps may only start earlier), so candidates can be compared without simulating them.
  CommModel comm{0.001, 0.0};
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    TaskGraph g = random_dag(GetParam(), 20 + seed * 13, seed);
    Clustering lc = linear_clustering(g, comm);
    std::vector<TaskId> priority = priority_order(upward_ranks(g, comm, &lc));
    for (MappingStrategy strategy : {MappingStrategy::kEarliestFinish, MappingStrategy::kSpanPacking, MappingStrategy::kAffinity,
                                     MappingStrategy::kFirstTaskFinish}) {
      for (int p : {2, 5}) {
        WorkerMapping m = map_clusters_to_workers(g, lc, p, comm, priority, strategy);
        Plan plan = assemble_plan(g, m.orders);
        ASSERT_EQ(find_plan_problem(plan, g).value_or("ok"), "ok");
        ASSERT_LE(simulate(g, plan, comm).makespan_ms, m.estimated_ms * (1 + kEpsilon)) << "seed " << seed;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, RandomDags, ::testing::Values(DagShape::kLayered, DagShape::kForkJoin, DagShape::kWindow),
                         [](const auto& param_info) {
                           switch (param_info.param) {
                             case DagShape::kLayered: return std::string("Layered");
                             case DagShape::kForkJoin: return std::string("ForkJoin");
                             case DagShape::kWindow: return std::string("Window");
                           }
                           return std::string("Unknown");
                         });

}  // namespace
}  // namespace ramiel::schedule
