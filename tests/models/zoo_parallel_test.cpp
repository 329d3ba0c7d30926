// Every zoo model, pruned and scheduled for P = 2 and 4, runs on P threads with outputs bit-identical
// to the serial run, over repeated runs, and within the PyTorch tolerance of the reference.
#include <gtest/gtest.h>

#include <cstring>

#include "cost/cost_model.h"
#include "ir/onnx_import.h"
#include "ir/tensor_proto.h"
#include "passes/pipeline.h"
#include "runtime/session.h"
#include "schedule/plan_lowering.h"
#include "schedule/scheduler.h"
#include "support/zoo.h"

namespace ramiel::testing {
namespace {

class ZooParallel : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooParallel, BitIdenticalToSerialAtTwoAndFourThreads) {
  const std::string& name = GetParam();
  if (!zoo_available(name)) GTEST_SKIP() << name << " not generated; run scripts/zoo.sh";
  const auto dir = zoo_dir(name);
  ir::Graph graph = ir::import_onnx_file((dir / "model.onnx").string());
  passes::pruning_pipeline().run(graph);
  std::vector<ir::Tensor> inputs;
  for (size_t i = 0; i < graph.inputs().size(); ++i) {
    inputs.push_back(ir::load_tensor_file((dir / "test_data_set_0" / ("input_" + std::to_string(i) + ".pb")).string()).tensor);
  }
  runtime::Session serial(graph);
  std::vector<ir::Tensor> expected = serial.run(inputs);
  for (int threads : {2, 4}) {
    ir::Graph g = graph;
    schedule::SchedulerOptions options;
    options.threads = threads;
    // Zero sync cost so that every model really uses several workers here, even chain-like ones.
    options.comm.sync_ms = 0;
    options.worker_tolerance = 0;
    schedule::Schedule s = schedule::compile_schedule(schedule::task_graph_from_ir(g, cost::analytic_times_ms(g)), options);
    runtime::SessionOptions so;
    so.schedule = runtime::NodeSchedule{schedule::lower_plan(g, s.plan)};
    runtime::Session parallel(g, so);
    for (int run = 0; run < 3; ++run) {
      std::vector<ir::Tensor> got = parallel.run(inputs);
      ASSERT_EQ(got.size(), expected.size());
      for (size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i].dims(), expected[i].dims());
        EXPECT_EQ(std::memcmp(got[i].raw(), expected[i].raw(), got[i].byte_size()), 0)
            << name << " P=" << threads << " (" << parallel.workers() << " workers) run " << run << ": output " << i
            << " differs from the serial run";
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooParallel, ::testing::ValuesIn(zoo_models()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace ramiel::testing
