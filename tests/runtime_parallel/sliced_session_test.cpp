// Slices (intra-operator parallelism): Conv, MatMul, MaxPool and a row-wise Mul split into slices compute the unsplit
// result; slices spread over workers give the serial sliced run's bits on every run; a node whose
// kernel cannot split runs whole; the memory plan treats every slice as a writer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "ramiel/error.h"
#include "runtime/layout.h"
#include "runtime/session.h"
#include "support/model_builder.h"

namespace ramiel::runtime {
namespace {

using testing::ints;
using testing::integer;
using testing::ModelBuilder;
using testing::random_tensor;


std::map<std::string, ir::Attribute> conv_attrs(int64_t group = 1) {
  return {{"kernel_shape", ints({3, 3})}, {"pads", ints({1, 1, 1, 1})}, {"group", integer(group)}};
}

// x[1,16,12,12] -> Conv 16->64 (3x3: four blocks of 16, so 4 slices in nChw8c and nChw16c) -> Relu ->
// depthwise Conv 64 (3x3, group 64) -> Conv 64->8
// (1x1: too few channels to split into blocks) -> Flatten -> MatMul [1,1152]x[1152,64], a MaxPool
// of the Relu; and
// t[1,96,64] -> MatMul with [64,40] (rows split) -> Mul by a constant (row slices) -> batched MatMul [1,4,24,40]x[1,4,40,24] (heads split);
// u[1,8,64] -> MatMul with [64,48] (columns split in blocks of 16 when there are enough, else rows).
struct SlicedModel {
  ModelBuilder m;
  std::map<std::string, ir::NodeId> nodes;
  ir::Tensor x, t, u;
};

// Random weights scaled by 1/sqrt(fan_in), as a trained network's are: with unscaled N(0, 1) weights
// the fc output is a sum of 1152 terms of magnitude ~100 that cancel to ~10, and any change in the
// order of additions (a Winograd convolution, a column slice) moves it by more than the tolerance.
ir::Tensor weights(ir::Dims dims, int64_t fan_in, std::mt19937& rng) {
  ir::Tensor t = random_tensor(std::move(dims), rng);
  const float scale = 1.0f / std::sqrt(static_cast<float>(fan_in));
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] *= scale;
  return t;
}

SlicedModel sliced_model() {
  std::mt19937 rng(7);
  SlicedModel s;
  ModelBuilder& m = s.m;
  ir::ValueId x = m.input("x", {1, 16, 12, 12});
  ir::ValueId c1 = m.node("Conv", {x, m.constant("w1", weights({64, 16, 3, 3}, 144, rng)), m.constant("b1", random_tensor({64}, rng))}, conv_attrs(), "conv1");
  ir::ValueId r1 = m.node("Relu", {c1}, {}, "relu1");
  ir::ValueId c2 = m.node("Conv", {r1, m.constant("w2", weights({64, 1, 3, 3}, 9, rng)), m.constant("b2", random_tensor({64}, rng))}, conv_attrs(64), "dw2");
  ir::ValueId c3 = m.node("Conv", {c2, m.constant("w3", weights({8, 64, 1, 1}, 64, rng))}, {{"kernel_shape", ints({1, 1})}}, "conv3");
  ir::ValueId f = m.node("Flatten", {c3}, {{"axis", integer(1)}}, "flatten");
  ir::ValueId fc = m.node("MatMul", {f, m.constant("wfc", weights({1152, 64}, 1152, rng))}, {}, "fc");
  m.output(fc);
  ir::ValueId pool = m.node("MaxPool", {r1}, {{"kernel_shape", ints({3, 3})}, {"strides", ints({2, 2})}, {"pads", ints({1, 1, 1, 1})}}, "pool");
  m.output(pool);
  ir::ValueId t = m.input("t", {1, 96, 64});
  ir::ValueId p = m.node("MatMul", {t, m.constant("wp", weights({64, 40}, 64, rng))}, {}, "proj");
  ir::ValueId pb = m.node("Mul", {p, m.constant("bp", random_tensor({40}, rng))}, {}, "proj_scale");
  ir::ValueId q = m.node("Reshape", {pb, m.constant("shape", ir::Tensor::from(ir::DataType::kInt64, {4}, std::vector<int64_t>{1, 4, 24, 40}))}, {}, "heads");
  ir::ValueId k = m.node("Transpose", {q}, {{"perm", ints({0, 1, 3, 2})}}, "keys");
  ir::ValueId att = m.node("MatMul", {q, k}, {}, "attention");
  m.output(att);
  m.output(k);  // read twice, the Transpose stays a node: it would fuse into the MatMul, which would then run whole
  ir::ValueId u = m.input("u", {1, 8, 64});
  m.output(m.node("MatMul", {u, m.constant("ww", weights({64, 48}, 64, rng))}, {}, "wide"));
  for (const ir::Node& n : m.g.nodes()) s.nodes[n.name] = n.id;
  s.x = random_tensor({1, 16, 12, 12}, rng);
  s.t = random_tensor({1, 96, 64}, rng);
  s.u = random_tensor({1, 8, 64}, rng);
  return s;
}

const std::vector<std::string> kSplittable = {"conv1", "dw2", "conv3", "fc", "pool", "proj", "proj_scale", "attention", "wide"};

std::map<ir::NodeId, int> split_all(const SlicedModel& s, int count) {
  std::map<ir::NodeId, int> slices;
  for (const std::string& name : kSplittable) slices[s.nodes.at(name)] = count;
  return slices;
}

void expect_close(const ir::Tensor& got, const ir::Tensor& want) {
  ASSERT_EQ(got.dims(), want.dims());
  for (int64_t i = 0; i < got.size(); ++i) {
    const float w = want.data<float>()[i];
    ASSERT_NEAR(got.data<float>()[i], w, 1e-4f * (1.0f + std::abs(w))) << "element " << i;
  }
}

TEST(SlicedSession, SerialSlicesComputeTheUnsplitResult) {
  SlicedModel s = sliced_model();
  Session whole(s.m.g);
  std::vector<ir::Tensor> want = whole.run(std::vector<ir::Tensor>{s.x, s.t, s.u});
  for (int count : {2, 3, 4}) {
    SessionOptions options;
    options.slices = split_all(s, count);
    Session sliced(s.m.g, options);
    const auto& split = sliced.program().split_nodes;
    for (const char* name : {"conv1", "fc", "pool", "proj", "proj_scale", "attention", "wide"}) {
      ASSERT_TRUE(split.count(s.nodes.at(name))) << name << " was not split into " << count;
      EXPECT_EQ(split.at(s.nodes.at(name)), count);
    }
    std::vector<ir::Tensor> got = sliced.run(std::vector<ir::Tensor>{s.x, s.t, s.u});
    ASSERT_EQ(got.size(), want.size());
    for (size_t o = 0; o < got.size(); ++o) {
      SCOPED_TRACE("output " + std::to_string(o) + ", " + std::to_string(count) + " slices");
      expect_close(got[o], want[o]);
    }
  }
}

TEST(SlicedSession, UnsplittableShapesRunWhole) {
  SlicedModel s = sliced_model();
  SessionOptions options;
  options.slices = split_all(s, 4);
  options.activation_layout = Layout::kNChw8c;
  Session sliced(s.m.g, options);
  // conv3 has 8 output channels: one nChw8c block cannot be split four ways.
  EXPECT_EQ(sliced.program().split_nodes.count(s.nodes.at("conv3")), 0u);
  options.activation_layout = Layout::kNhwc;  // channel slices of NHWC would be strided
  Session nhwc(s.m.g, options);
  EXPECT_EQ(nhwc.program().split_nodes.count(s.nodes.at("conv1")), 0u);
  EXPECT_EQ(nhwc.program().split_nodes.count(s.nodes.at("proj")), 1u);
}

// Slice i of every split node on worker i % workers, the other nodes on worker 0.
NodeSchedule spread(const SlicedModel& s, int workers, int count) {
  NodeSchedule schedule;
  schedule.workers.resize(static_cast<size_t>(workers));
  std::map<ir::NodeId, int> split = split_all(s, count);
  for (ir::NodeId n : s.m.g.topological_order()) {
    if (!split.count(n)) {
      schedule.workers[0].push_back(n);
      continue;
    }
    for (int i = 0; i < count; ++i) schedule.workers[static_cast<size_t>(i % workers)].push_back(ScheduledNode(n, i, count));
  }
  return schedule;
}

TEST(SlicedSession, ParallelSlicesGiveTheSerialBitsEveryRun) {
  SlicedModel s = sliced_model();
  for (int workers : {2, 4}) {
    SessionOptions serial_options;
    serial_options.slices = split_all(s, workers);
    Session serial(s.m.g, serial_options);
    std::vector<ir::Tensor> want = serial.run(std::vector<ir::Tensor>{s.x, s.t, s.u});
    SessionOptions options;
    options.schedule = spread(s, workers, workers);
    Session parallel(s.m.g, options);
    EXPECT_EQ(parallel.workers(), workers);
    EXPECT_EQ(parallel.program().split_nodes, serial.program().split_nodes);
    for (int run = 0; run < 30; ++run) {
      std::vector<ir::Tensor> got = parallel.run(std::vector<ir::Tensor>{s.x, s.t, s.u});
      for (size_t o = 0; o < got.size(); ++o) {
        ASSERT_EQ(std::memcmp(got[o].raw(), want[o].raw(), want[o].byte_size()), 0) << workers << " workers, output " << o << ", run " << run;
      }
    }
  }
}

TEST(SlicedSession, EverySliceIsAWriterOfTheOutputBuffer) {
  SlicedModel s = sliced_model();
  SessionOptions options;
  options.schedule = spread(s, 2, 2);
  Session parallel(s.m.g, options);
  const Program& p = parallel.program();
  size_t split_buffers = 0;
  for (const BufferUse& b : p.buffers) {
    if (b.co_writers.empty()) continue;
    ++split_buffers;
    const Step& first = p.steps[static_cast<size_t>(b.writer - 1)];
    EXPECT_EQ(first.slice.index, 0);
    for (int w : b.co_writers) EXPECT_EQ(p.steps[static_cast<size_t>(w - 1)].node, first.node);
  }
  EXPECT_EQ(split_buffers, p.split_nodes.size());
}

TEST(SlicedSession, TracedRunsRecordEveryStepOnItsWorker) {
  SlicedModel s = sliced_model();
  SessionOptions options;
  options.schedule = spread(s, 2, 2);
  Session parallel(s.m.g, options);
  const std::vector<ir::Tensor> inputs{s.x, s.t, s.u};
  const std::vector<ir::Tensor> want = parallel.run(inputs);
  std::vector<TraceEvent> trace;
  const std::vector<ir::Tensor> got = parallel.run_traced(inputs, trace);
  for (size_t o = 0; o < got.size(); ++o) ASSERT_EQ(std::memcmp(got[o].raw(), want[o].raw(), want[o].byte_size()), 0);
  const Program& p = parallel.program();
  ASSERT_EQ(trace.size(), p.steps.size());
  // Each step on the worker the schedule gave it (slice 1 of a split node on worker 1), and the
  // steps of one worker one after another.
  std::vector<std::vector<TraceEvent>> by_worker(2);
  for (size_t i = 0; i < trace.size(); ++i) {
    const TraceEvent& e = trace[i];
    EXPECT_EQ(e.step, static_cast<int>(i));
    EXPECT_LE(0.0, e.start_us);
    EXPECT_LE(e.start_us, e.end_us);
    ASSERT_TRUE(e.worker == 0 || e.worker == 1) << e.worker;
    if (p.steps[i].slice.count == 2) {
      EXPECT_EQ(e.worker, p.steps[i].slice.index) << p.steps[i].op;
    }
    by_worker[static_cast<size_t>(e.worker)].push_back(e);
  }
  EXPECT_FALSE(by_worker[1].empty());
  for (auto& events : by_worker) {
    std::sort(events.begin(), events.end(), [](const TraceEvent& a, const TraceEvent& b) { return a.start_us < b.start_us; });
    for (size_t i = 1; i < events.size(); ++i) EXPECT_LE(events[i - 1].end_us, events[i].start_us);
  }
  Session serial(s.m.g);  // a serial session traces on worker 0
  serial.run_traced(inputs, trace);
  ASSERT_EQ(trace.size(), serial.program().steps.size());
  for (const TraceEvent& e : trace) EXPECT_EQ(e.worker, 0);
}

TEST(SlicedSession, InconsistentSlicesAreRejected) {
  SlicedModel s = sliced_model();
  NodeSchedule schedule = spread(s, 2, 2);
  schedule.workers[1].pop_back();  // the last split node loses its slice 1
  SessionOptions options;
  options.schedule = schedule;
  EXPECT_THROW(Session(s.m.g, options), ramiel::Error);
}

}  // namespace
}  // namespace ramiel::runtime
