// Pad fusion: zero Pads before Conv and AveragePool become their padding with the same results;
// Pads that are not zero, pad N or C, have other readers, or meet a non-counting AveragePool that
// already pads, stay.
#include "passes/pad_fusion.h"

#include <gtest/gtest.h>

#include <random>

#include "passes/pass.h"
#include "runtime/session.h"
#include "support/model_builder.h"

namespace ramiel::passes {
namespace {

using testing::ints;
using testing::ModelBuilder;
using testing::random_tensor;

ir::ValueId int64s(ModelBuilder& m, const std::string& name, std::vector<int64_t> values) {
  const int64_t n = static_cast<int64_t>(values.size());
  return m.constant(name, ir::Tensor::from(ir::DataType::kInt64, {n}, values));
}

ir::ValueId zero(ModelBuilder& m, const std::string& name, float value = 0.0f) {
  return m.constant(name, ir::Tensor::from(ir::DataType::kFloat32, {}, std::vector<float>{value}));
}

// x[1,4,9,9] -> Pad(top/left 1, bottom/right 2) -> Conv 3x3 (own pads 1) -> y, and
// x -> Pad(1 all round) -> AveragePool 3x3 (count_include_pad 0, no pads) -> z.
ModelBuilder padded_model(std::mt19937& rng) {
  ModelBuilder m;
  ir::ValueId x = m.input("x", {1, 4, 9, 9});
  ir::ValueId p1 = m.node("Pad", {x, int64s(m, "pads1", {0, 0, 1, 1, 0, 0, 2, 2}), zero(m, "v1")}, {}, "pad_conv");
  m.output(m.node("Conv", {p1, m.constant("w", random_tensor({6, 4, 3, 3}, rng))},
                  {{"kernel_shape", ints({3, 3})}, {"pads", ints({1, 1, 1, 1})}}, "conv"));
  ir::ValueId p2 = m.node("Pad", {x, int64s(m, "pads2", {0, 0, 1, 1, 0, 0, 1, 1})}, {}, "pad_pool");
  m.output(m.node("AveragePool", {p2}, {{"kernel_shape", ints({3, 3})}}, "pool"));
  return m;
}

TEST(PadFusion, FoldsZeroPadsWithTheSameResults) {
  std::mt19937 rng(5);
  ModelBuilder m = padded_model(rng);
  const ir::Tensor x = random_tensor({1, 4, 9, 9}, rng);
  runtime::Session before(m.g);
  const std::vector<ir::Tensor> want = before.run(std::vector<ir::Tensor>{x});
  ir::Graph fused = m.g;
  EXPECT_TRUE(PadFusion().run(fused));
  verify_graph(fused);
  EXPECT_EQ(fused.live_node_count(), 2u);
  for (const ir::Node& n : fused.nodes()) {
    if (n.removed) continue;
    EXPECT_EQ(n.inputs[0], fused.find_value("x")) << n.name << " reads the unpadded input";
    if (n.op_type == "Conv") {
      EXPECT_EQ(n.attr_ints("pads"), (std::vector<int64_t>{2, 2, 3, 3}));
    }
    if (n.op_type == "AveragePool") {
      EXPECT_EQ(n.attr_ints("pads"), (std::vector<int64_t>{1, 1, 1, 1}));
      EXPECT_EQ(n.attr_int("count_include_pad", 0), 1) << "the padded zeros were counted before";
    }
  }
  runtime::Session after(fused);
  const std::vector<ir::Tensor> got = after.run(std::vector<ir::Tensor>{x});
  ASSERT_EQ(got.size(), want.size());
  for (size_t o = 0; o < got.size(); ++o) {
    ASSERT_EQ(got[o].dims(), want[o].dims());
    for (int64_t i = 0; i < got[o].size(); ++i) {
      ASSERT_NEAR(got[o].data<float>()[i], want[o].data<float>()[i], 1e-4f) << "output " << o << " element " << i;
    }
  }
}

TEST(PadFusion, LeavesPadsItCannotFold) {
  std::mt19937 rng(6);
  ModelBuilder m;
  ir::ValueId x = m.input("x", {1, 4, 9, 9});
  ir::ValueId w = m.constant("w", random_tensor({6, 4, 3, 3}, rng));
  const std::map<std::string, ir::Attribute> conv = {{"kernel_shape", ints({3, 3})}};
  // Not zero.
  ir::ValueId a = m.node("Pad", {x, int64s(m, "pa", {0, 0, 1, 1, 0, 0, 1, 1}), zero(m, "va", 1.0f)}, {}, "pad_one");
  m.output(m.node("Conv", {a, w}, conv, "conv_a"));
  // Pads the channels.
  ir::ValueId b = m.node("Pad", {x, int64s(m, "pb", {0, 1, 0, 0, 0, 1, 0, 0})}, {}, "pad_channels");
  m.output(m.node("Conv", {b, m.constant("w6", random_tensor({6, 6, 3, 3}, rng))}, conv, "conv_b"));
  // Read twice.
  ir::ValueId c = m.node("Pad", {x, int64s(m, "pc", {0, 0, 1, 1, 0, 0, 1, 1})}, {}, "pad_shared");
  m.output(m.node("Conv", {c, w}, conv, "conv_c"));
  m.output(m.node("Relu", {c}, {}, "relu_c"));
  // Reflect mode.
  ir::ValueId d = m.node("Pad", {x, int64s(m, "pd", {0, 0, 1, 1, 0, 0, 1, 1})}, {{"mode", ir::Attribute{.type = ir::Attribute::Type::kString, .s = "reflect"}}},
                         "pad_reflect");
  m.output(m.node("Conv", {d, w}, conv, "conv_d"));
  // A non-counting AveragePool that pads on its own.
  ir::ValueId e = m.node("Pad", {x, int64s(m, "pe", {0, 0, 1, 1, 0, 0, 1, 1})}, {}, "pad_pool");
  m.output(m.node("AveragePool", {e}, {{"kernel_shape", ints({3, 3})}, {"pads", ints({1, 1, 1, 1})}}, "pool"));
  // A MaxPool (padding with zeros is not its padding).
  ir::ValueId f = m.node("Pad", {x, int64s(m, "pf", {0, 0, 1, 1, 0, 0, 1, 1})}, {}, "pad_max");
  m.output(m.node("MaxPool", {f}, {{"kernel_shape", ints({3, 3})}}, "max"));
  const size_t nodes = m.g.live_node_count();
  EXPECT_FALSE(PadFusion().run(m.g));
  EXPECT_EQ(m.g.live_node_count(), nodes);
}

}  // namespace
}  // namespace ramiel::passes
