#include "schedule/plan.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ramiel/error.h"
#include "schedule/plan_builder.h"
#include "schedule/plan_json.h"
#include "task_graphs.h"

namespace ramiel::schedule {
namespace {

using testing::make_graph;

// Diamond: 0 -> {1, 2} -> 3.
TaskGraph diamond() { return make_graph({1, 2, 3, 1}, {{0, 1}, {0, 2}, {1, 3}, {2, 3}}); }

/// Worker 0 runs 0, 1, 3; worker 1 runs 2.
Plan two_worker_diamond(const TaskGraph& g) { return assemble_plan(g, {{{0}, {1}, {3}}, {{2}}}); }

std::string problem(const Plan& plan, const TaskGraph& g) { return find_plan_problem(plan, g).value_or("ok"); }

TEST(Plan, AssembledPlanHasTheCrossWorkerDependencies) {
  TaskGraph g = diamond();
  Plan plan = two_worker_diamond(g);
  ASSERT_EQ(plan.worker_count(), 2);
  EXPECT_EQ(plan.step_count(), 4u);
  ASSERT_EQ(plan.dependencies.size(), 2u);
  // Sorted by consumer: worker 0 step 2 (task 3) needs task 2 from worker 1; worker 1 step 0 needs task 0.
  EXPECT_EQ(plan.dependencies[0].producer, 2);
  EXPECT_EQ(plan.dependencies[0].from_worker, 1);
  EXPECT_EQ(plan.dependencies[0].to_worker, 0);
  EXPECT_EQ(plan.dependencies[0].to_step, 2);
  EXPECT_EQ(plan.dependencies[1].producer, 0);
  EXPECT_EQ(plan.dependencies[1].to_worker, 1);
  EXPECT_EQ(plan.dependencies[1].to_step, 0);
  EXPECT_EQ(problem(plan, g), "ok");
}

TEST(Plan, ValidateFindsMissingAndDuplicateNodes) {
  TaskGraph g = diamond();
  Plan plan = two_worker_diamond(g);
  plan.workers[1].steps.clear();
  plan.dependencies.erase(plan.dependencies.begin() + 1);
  EXPECT_NE(problem(plan, g).find("never runs"), std::string::npos) << problem(plan, g);
  plan = two_worker_diamond(g);
  plan.workers[1].steps.push_back({StepKind::kRun, 1});
  EXPECT_NE(problem(plan, g).find("more than once"), std::string::npos) << problem(plan, g);
  plan = two_worker_diamond(g);
  plan.workers[1].steps[0].node = 99;
  EXPECT_NE(problem(plan, g).find("does not have"), std::string::npos) << problem(plan, g);
}

TEST(Plan, ValidateFindsUnmetDependencies) {
  TaskGraph g = diamond();
  Plan plan = two_worker_diamond(g);
  plan.dependencies.erase(plan.dependencies.begin());  // task 3 no longer waits for task 2
  EXPECT_NE(problem(plan, g).find("no dependency delivers"), std::string::npos) << problem(plan, g);
  // Program order broken on one worker: 3 before 1.
  plan = assemble_plan(g, {{{0}, {1}, {3}}, {{2}}});
  std::swap(plan.workers[0].steps[1], plan.workers[0].steps[2]);
  EXPECT_NE(problem(plan, g).find("before its own worker computes it"), std::string::npos) << problem(plan, g);
  // A dependency must name the step that runs its producer.
  plan = two_worker_diamond(g);
  plan.dependencies[0].producer = 1;
  EXPECT_NE(problem(plan, g).find("says node"), std::string::npos) << problem(plan, g);
}

TEST(Plan, ValidateFindsDeadlocks) {
  // Two independent tasks 0 and 1 on two workers, then 2 (reads 0) on worker 1 and 3 (reads 1)
  // on worker 0, each placed first: each worker waits for the other's second step.
  TaskGraph g = make_graph({1, 1, 1, 1}, {{0, 2}, {1, 3}});
  Plan plan;
  plan.workers = {WorkerProgram{{{StepKind::kRun, 3}, {StepKind::kRun, 0}}}, WorkerProgram{{{StepKind::kRun, 2}, {StepKind::kRun, 1}}}};
  plan.dependencies = {CrossDependency{0, {}, 0, 0, 1, 1, 0}, CrossDependency{1, {}, 0, 1, 1, 0, 0}};
  EXPECT_NE(problem(plan, g).find("deadlock"), std::string::npos) << problem(plan, g);
}

TEST(Plan, ClonesAndSlices) {
  TaskGraph g = diamond();
  // Worker 1 recomputes task 0 instead of waiting for it.
  Plan plan = assemble_plan(g, {{{0}, {1}, {3}}, {{0, true}, {2}}});
  EXPECT_EQ(plan.clone_count(), 1u);
  ASSERT_EQ(plan.dependencies.size(), 1u);  // only 2 -> 3 crosses
  EXPECT_EQ(problem(plan, g), "ok");
  // A node with side effects may not be cloned.
  TaskGraphBuilder b;
  b.add_task(TaskInfo{1.0, false});
  b.add_task(1.0);
  b.add_task(1.0);
  b.add_edge(0, 1, 0);
  b.add_edge(0, 2, 0);
  TaskGraph random_source = b.build();
  Plan bad = assemble_plan(random_source, {{{0}, {1}}, {{0, true}, {2}}});
  EXPECT_NE(problem(bad, random_source).find("side effects"), std::string::npos);
  // A clone on the worker that runs the original is pointless and rejected.
  Plan self = two_worker_diamond(g);
  self.workers[0].steps.push_back({StepKind::kClone, 1});
  EXPECT_NE(problem(self, g).find("cloned on the worker that runs it"), std::string::npos) << problem(self, g);

  // Task 1 split in two slices over both workers; task 3 needs both.
  Plan sliced;
  sliced.workers = {WorkerProgram{{{StepKind::kRun, 0}, {StepKind::kSlice, 1, 0, 2}, {StepKind::kRun, 2}, {StepKind::kRun, 3}}},
                    WorkerProgram{{{StepKind::kSlice, 1, 1, 2}}}};
  sliced.dependencies = {CrossDependency{0, {}, 0, 0, 0, 1, 0}, CrossDependency{1, {}, 0, 1, 0, 0, 3}};
  EXPECT_EQ(problem(sliced, g), "ok");
  sliced.dependencies.pop_back();
  EXPECT_NE(problem(sliced, g).find("no dependency delivers"), std::string::npos) << problem(sliced, g);
  sliced.workers[1].steps.clear();
  sliced.dependencies.clear();
  EXPECT_NE(problem(sliced, g).find("slice 1 of node"), std::string::npos) << problem(sliced, g);
}

TEST(Plan, SlicesReadTheOriginalNotAClone) {
  TaskGraph g = diamond();
  // Task 2 split over both workers; worker 1 has a clone of task 0 but its slice must still get
  // the original delivered (all slices are one node at run time).
  Plan plan;
  plan.workers = {WorkerProgram{{{StepKind::kRun, 0}, {StepKind::kRun, 1}, {StepKind::kSlice, 2, 0, 2}, {StepKind::kRun, 3}}},
                  WorkerProgram{{{StepKind::kClone, 0}, {StepKind::kSlice, 2, 1, 2}}}};
  plan.dependencies = {CrossDependency{2, {}, 0, 1, 1, 0, 3}};
  EXPECT_NE(problem(plan, g).find("needs t0"), std::string::npos) << problem(plan, g);
  plan.dependencies.insert(plan.dependencies.begin(), CrossDependency{0, {}, 0, 0, 0, 1, 1});
  EXPECT_EQ(problem(plan, g), "ok");
  // A whole step may read the clone.
  plan.workers[1].steps[1] = {StepKind::kRun, 2};
  plan.workers[0].steps.erase(plan.workers[0].steps.begin() + 2);
  plan.dependencies = {CrossDependency{2, {}, 0, 1, 1, 0, 2}};
  EXPECT_EQ(problem(plan, g), "ok");
}

TEST(PlanJson, RoundTripsEveryStepKind) {
  TaskGraph g = diamond();
  Plan plan = assemble_plan(g, {{{0}, {1}, {3}}, {{0, true}, {2}}});
  plan.workers[1].steps.push_back({StepKind::kSlice, 7, 1, 4});
  plan.dependencies[0].values = {3, 5};
  plan.dependencies[0].bytes = 4096;
  nlohmann::json j = plan_to_json(plan);
  EXPECT_EQ(j["format"], "ramiel-plan");
  EXPECT_EQ(plan_from_json(j), plan);
  EXPECT_EQ(plan_from_json(nlohmann::json::parse(j.dump())), plan);
}

TEST(PlanJson, FilesRoundTripAndErrorsHaveKinds) {
  TaskGraph g = diamond();
  Plan plan = two_worker_diamond(g);
  std::filesystem::path file = std::filesystem::temp_directory_path() / ("ramiel_plan_test_" + std::to_string(::getpid()) + ".json");
  write_plan_file(plan, file.string());
  EXPECT_EQ(read_plan_file(file.string()), plan);
  std::filesystem::remove(file);
  try {
    write_plan_file(plan, "/nonexistent-dir/plan.json");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
  }
  try {
    read_plan_file("/nonexistent-dir/plan.json");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
  }
  for (const char* text : {R"({"format": "other"})", R"({"format": "ramiel-plan", "version": 1})",
                           R"({"format": "ramiel-plan", "version": 1, "workers": [{"steps": [{"node": 0, "kind": "dance"}]}], "dependencies": []})",
                           R"({"format": "ramiel-plan", "version": 1, "workers": [], "dependencies": [{"producer": 0, "from": [0], "to": [1, 0]}]})",
                           R"({"format": "ramiel-plan", "version": 2, "workers": [], "dependencies": []})"}) {
    try {
      plan_from_json(nlohmann::json::parse(text));
      FAIL() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument) << text;
    }
  }
}

}  // namespace
}  // namespace ramiel::schedule
