// A branchy graph run by a Session on several workers gives the serial run's bits, every time,
// and its arena is planned under the parallel order (never smaller than needed, checked by the planner).
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "ramiel/error.h"
#include "runtime/session.h"
#include "support/graph_builder.h"

namespace ramiel::runtime {
namespace {

using testing::GraphBuilder;

/// x -> four branches of elementwise chains -> pairwise Adds -> output. 13 nodes.
ir::Graph branchy_graph() {
  GraphBuilder b;
  b.input("x", {1, 64, 32});
  const char* ops[] = {"Relu", "Sigmoid", "Tanh", "Exp"};
  for (int br = 0; br < 4; ++br) {
    std::string prev = "x";
    for (int k = 0; k < 2; ++k) {
      std::string out = "b" + std::to_string(br) + "_" + std::to_string(k);
      b.node(out, ops[(br + k) % 4], {prev}, {out}, {1, 64, 32});
      prev = out;
    }
  }
  b.node("add01", "Add", {"b0_1", "b1_1"}, {"s01"}, {1, 64, 32}).node("add23", "Add", {"b2_1", "b3_1"}, {"s23"}, {1, 64, 32})
      .node("mul", "Mul", {"s01", "s23"}, {"m"}, {1, 64, 32}).node("neg", "Neg", {"m"}, {"y"}, {1, 64, 32}).output("y");
  ir::Graph g = b.build();
  g.opsets[""] = 13;
  return g;
}

TEST(ParallelSession, BitIdenticalToSerialOverRepeatedRuns) {
  ir::Graph g = branchy_graph();
  std::mt19937 rng(1);
  std::normal_distribution<float> dist;
  ir::Tensor x(ir::DataType::kFloat32, {1, 64, 32});
  for (int64_t i = 0; i < x.size(); ++i) x.data<float>()[i] = dist(rng);
  Session serial(g);
  std::vector<ir::Tensor> want = serial.run(std::vector<ir::Tensor>{x});
  // Branches spread over 1..4 workers; the joins land wherever the round-robin puts them.
  for (int workers = 2; workers <= 4; ++workers) {
    NodeSchedule schedule;
    schedule.workers.resize(static_cast<size_t>(workers));
    for (ir::NodeId n : g.topological_order()) {
      int branch = n < 8 ? n / 2 : n - 8;
      schedule.workers[static_cast<size_t>(branch % workers)].push_back(n);
    }
    SessionOptions options;
    options.schedule = schedule;
    Session parallel(g, options);
    EXPECT_EQ(parallel.workers(), workers);
    for (int run = 0; run < 50; ++run) {
      std::vector<ir::Tensor> got = parallel.run(std::vector<ir::Tensor>{x});
      ASSERT_EQ(std::memcmp(got[0].raw(), want[0].raw(), want[0].byte_size()), 0) << workers << " workers, run " << run;
    }
  }
}

TEST(ParallelSession, ConcatInputsWrittenInPlaceByBranchesOnDifferentWorkers) {
  // Four branches on different workers write their parts of one Concat output buffer (the Concat
  // copies nothing); a node after it on yet another worker must see all four.
  GraphBuilder b;
  b.input("x", {1, 64, 32});
  const char* ops[] = {"Relu", "Sigmoid", "Tanh", "Exp"};
  for (int br = 0; br < 4; ++br) {
    const std::string out = "b" + std::to_string(br);
    b.node(out, ops[br], {"x"}, {out}, {1, 64, 32});
  }
  b.node("cat", "Concat", {"b0", "b1", "b2", "b3"}, {"c"}, {1, 256, 32}).node("neg", "Neg", {"c"}, {"y"}, {1, 256, 32}).output("y");
  ir::Graph g = b.build();
  g.opsets[""] = 13;
  for (const ir::Node& n : g.nodes()) {
    if (n.op_type != "Concat") continue;
    ir::Attribute& axis = g.node(n.id).attributes["axis"];
    axis.type = ir::Attribute::Type::kInt;
    axis.i = 1;
  }
  std::mt19937 rng(2);
  std::normal_distribution<float> dist;
  ir::Tensor x(ir::DataType::kFloat32, {1, 64, 32});
  for (int64_t i = 0; i < x.size(); ++i) x.data<float>()[i] = dist(rng);
  SessionOptions copying;
  copying.concat_in_place = false;
  const std::vector<ir::Tensor> want = Session(g, copying).run(std::vector<ir::Tensor>{x});
  for (int workers = 2; workers <= 4; ++workers) {
    NodeSchedule schedule;
    schedule.workers.resize(static_cast<size_t>(workers));
    for (ir::NodeId n : g.topological_order()) schedule.workers[static_cast<size_t>((n + 1) % workers)].push_back(n);
    SessionOptions options;
    options.schedule = schedule;
    Session parallel(g, options);
    EXPECT_EQ(parallel.stats().concats_in_place, 1u);
    for (int run = 0; run < 50; ++run) {
      std::vector<ir::Tensor> got = parallel.run(std::vector<ir::Tensor>{x});
      ASSERT_EQ(std::memcmp(got[0].raw(), want[0].raw(), want[0].byte_size()), 0) << workers << " workers, run " << run;
    }
  }
}

TEST(ParallelSession, ScheduleMissingANodeIsRejected) {
  ir::Graph g = branchy_graph();
  NodeSchedule schedule;
  schedule.workers = {{0, 1}, {2, 3}};
  SessionOptions options;
  options.schedule = schedule;
  EXPECT_THROW(Session(g, options), ramiel::Error);
}

}  // namespace
}  // namespace ramiel::runtime
