// Every zoo model, pruned and scheduled for P = 2 and 4, runs on P threads with outputs bit-identical
// to the serial run of the same program, over repeated runs. Branch-only plans (as in issue 5) and
// hybrid plans (nodes split into slices, issue 7) both; hybrid outputs also stay within the PyTorch
// tolerance of the reference at P = 1, 2, 4.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "cost/cost_model.h"
#include "ir/onnx_import.h"
#include "ir/tensor_proto.h"
#include "passes/pipeline.h"
#include "runtime/session.h"
#include "runtime/slicing.h"
#include "schedule/plan_lowering.h"
#include "schedule/scheduler.h"
#include "schedule/splitting.h"
#include "support/zoo.h"

namespace ramiel::testing {
namespace {

struct ZooCase {
  ir::Graph graph;
  std::vector<ir::Tensor> inputs, references;
};

ZooCase load_case(const std::string& name) {
  const auto dir = zoo_dir(name);
  ZooCase c;
  c.graph = ir::import_onnx_file((dir / "model.onnx").string());
  passes::pruning_pipeline().run(c.graph);
  for (size_t i = 0; i < c.graph.inputs().size(); ++i) {
    c.inputs.push_back(ir::load_tensor_file((dir / "test_data_set_0" / ("input_" + std::to_string(i) + ".pb")).string()).tensor);
  }
  for (size_t i = 0; i < c.graph.outputs().size(); ++i) {
    c.references.push_back(ir::load_tensor_file((dir / "test_data_set_0" / ("output_" + std::to_string(i) + ".pb")).string()).tensor);
  }
  return c;
}

runtime::NodeSchedule to_runtime(const schedule::WorkerNodes& workers) {
  runtime::NodeSchedule s;
  s.workers.resize(workers.size());
  for (size_t w = 0; w < workers.size(); ++w) {
    for (const auto& step : workers[w]) s.workers[w].push_back(runtime::ScheduledNode(step.node, step.slice_index, step.slice_count));
  }
  return s;
}

// Zero sync cost so that every model really uses several workers here, even chain-like ones.
schedule::SchedulerOptions eager_options(int threads) {
  schedule::SchedulerOptions options;
  options.threads = threads;
  options.comm.sync_ms = 0;
  options.worker_tolerance = 0;
  return options;
}

void expect_same_bits(const std::vector<ir::Tensor>& got, const std::vector<ir::Tensor>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].dims(), want[i].dims());
    EXPECT_EQ(std::memcmp(got[i].raw(), want[i].raw(), got[i].byte_size()), 0) << what << ": output " << i << " differs from the serial run";
  }
}

void expect_within_reference(const std::vector<ir::Tensor>& got, const std::vector<ir::Tensor>& refs, const std::string& what) {
  ASSERT_EQ(got.size(), refs.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].dims(), refs[i].dims());
    int64_t bad = 0;
    for (int64_t k = 0; k < got[i].size(); ++k) {
      double a = ir::element_as_double(got[i], k), b = ir::element_as_double(refs[i], k);
      if (!(std::fabs(a - b) <= 1e-4 + 1e-3 * std::fabs(b))) ++bad;
    }
    EXPECT_EQ(bad, 0) << what << ": output " << i << " has " << bad << " elements outside rtol 1e-3 atol 1e-4 of PyTorch";
  }
}

class ZooParallel : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooParallel, BitIdenticalToSerialAtTwoAndFourThreads) {
  const std::string& name = GetParam();
  if (!zoo_available(name)) GTEST_SKIP() << name << " not generated; run scripts/zoo.sh";
  ZooCase c = load_case(name);
  runtime::Session serial(c.graph);
  std::vector<ir::Tensor> expected = serial.run(c.inputs);
  for (int threads : {2, 4}) {
    ir::Graph g = c.graph;
    schedule::Schedule s = schedule::compile_schedule(schedule::task_graph_from_ir(g, cost::analytic_times_ms(g)), eager_options(threads));
    runtime::SessionOptions so;
    so.schedule = to_runtime(schedule::lower_plan(g, s.plan));
    runtime::Session parallel(g, so);
    for (int run = 0; run < 3; ++run) {
      expect_same_bits(parallel.run(c.inputs), expected, name + " P=" + std::to_string(threads) + " run " + std::to_string(run));
    }
  }
}

// Hybrid plans: analytic slice costs (node / k * 1.15 for operators whose kernels split), so that
// the scheduler splits on every model. Their outputs have the bits of the serial run of the whole
// nodes: every slice adds in its whole kernel's order, or the kernel refuses it and the node runs
// whole.
TEST_P(ZooParallel, HybridPlansMatchSerialBitsAndPyTorch) {
  const std::string& name = GetParam();
  if (!zoo_available(name)) GTEST_SKIP() << name << " not generated; run scripts/zoo.sh";
  ZooCase c = load_case(name);
  for (int threads : {1, 2, 4}) {
    ir::Graph g = c.graph;
    const std::vector<double> costs = cost::analytic_times_ms(g);
    auto slice_ms = [&](ir::NodeId node, int k) {
      return runtime::can_slice(g.node(node).op_type) ? costs[static_cast<size_t>(node)] / k * 1.15 : -1.0;
    };
    schedule::Schedule s = schedule::compile_hybrid_schedule(g, costs, slice_ms, eager_options(threads));
    const std::string what = name + " P=" + std::to_string(threads);
    runtime::SessionOptions so;
    so.schedule = to_runtime(schedule::lower_plan(g, s.plan));
    if (threads == 1) {
      EXPECT_TRUE(so.schedule->split_nodes().empty()) << what << " split nodes with one thread";
      runtime::Session session(g, so);
      expect_within_reference(session.run(c.inputs), c.references, what);
      continue;
    }
    runtime::Session parallel(g, so);
    EXPECT_FALSE(parallel.program().split_nodes.empty()) << what << ": the hybrid plan split nothing";
    // The serial run of the whole nodes: slices give their bits (or the node runs whole).
    runtime::Session serial(g);
    std::vector<ir::Tensor> expected = serial.run(c.inputs);
    expect_within_reference(expected, c.references, what + " (serial)");
    for (int run = 0; run < 3; ++run) expect_same_bits(parallel.run(c.inputs), expected, what + " run " + std::to_string(run));
  }
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooParallel, ::testing::ValuesIn(zoo_models()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace ramiel::testing
