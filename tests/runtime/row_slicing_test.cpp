// Row slices (runtime/row_slicing.h): elementwise operators, Softmax and LayerNormalization split
// into bands of rows compute the unsplit result, with broadcast and constant operands; nodes whose
// rows cannot be split (too few, or an axis across them) run whole.
#include "runtime/row_slicing.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "ramiel/error.h"
#include "runtime/kernels/registry.h"
#include "runtime/session.h"
#include "support/model_builder.h"

namespace ramiel::runtime {
namespace {

using testing::integer;
using testing::ModelBuilder;
using testing::random_tensor;

// x[1,6,5] and y[1,6,5]:
//   add   = x + bias[5] (broadcast along the rows: bias read whole)
//   scale = add * s[6,1] (a constant cut into rows)
//   erf   = Erf(scale), pow = Pow(erf, 2)
//   where = Where(x > y, pow, y)
//   soft  = Softmax(where, axis -1);  norm = LayerNormalization(soft, gamma[5], beta[5])
//   cross = Softmax(x, axis 1) (the axis spans the rows: runs whole)
//   tiny  = Relu(t[1,1,3]) (3 elements of one row: too few rows for 4 slices)
struct RowModel {
  ModelBuilder m;
  std::map<std::string, ir::NodeId> nodes;
  std::vector<ir::Tensor> inputs;
};

RowModel row_model() {
  std::mt19937 rng(11);
  RowModel r;
  ModelBuilder& m = r.m;
  m.g.opsets[""] = 17;
  ir::ValueId x = m.input("x", {1, 6, 5});
  ir::ValueId y = m.input("y", {1, 6, 5});
  ir::ValueId t = m.input("t", {1, 1, 3});
  ir::ValueId add = m.node("Add", {x, m.constant("bias", random_tensor({5}, rng))}, {}, "add");
  ir::ValueId scale = m.node("Mul", {add, m.constant("s", random_tensor({6, 1}, rng))}, {}, "scale");
  ir::ValueId erf = m.node("Erf", {scale}, {}, "erf");
  ir::ValueId pow = m.node("Pow", {erf, m.constant("two", ir::Tensor::from(ir::DataType::kFloat32, {}, std::vector<float>{2.0f}))}, {}, "pow");
  ir::ValueId greater = m.node("Greater", {x, y}, {}, "greater");
  ir::ValueId where = m.node("Where", {greater, pow, y}, {}, "where");
  ir::ValueId soft = m.node("Softmax", {where}, {{"axis", integer(-1)}}, "soft");
  ir::ValueId norm = m.node("LayerNormalization", {soft, m.constant("gamma", random_tensor({5}, rng)), m.constant("beta", random_tensor({5}, rng))},
                            {{"axis", integer(-1)}}, "norm");
  m.output(norm);
  m.output(m.node("Softmax", {x}, {{"axis", integer(1)}}, "cross"));
  m.output(m.node("Relu", {t}, {}, "tiny"));
  for (const ir::Node& n : m.g.nodes()) r.nodes[n.name] = n.id;
  r.inputs = {random_tensor({1, 6, 5}, rng), random_tensor({1, 6, 5}, rng), random_tensor({1, 1, 3}, rng)};
  return r;
}

const std::vector<std::string> kRowWise = {"add", "scale", "erf", "pow", "greater", "where", "soft", "norm"};

TEST(RowSlicing, KnowsWhichOperatorsAreRowWise) {
  for (const char* op : {"Add", "Erf", "Where", "Softmax", "LayerNormalization", "Relu"}) EXPECT_TRUE(is_row_wise_op(op)) << op;
  for (const char* op : {"Transpose", "Concat", "ReduceMean", "Gather", "MatMul"}) EXPECT_FALSE(is_row_wise_op(op)) << op;
  EXPECT_TRUE(can_slice("Conv"));
  EXPECT_TRUE(can_slice("Mul"));
  EXPECT_FALSE(can_slice("Reshape"));
}

TEST(RowSlicing, SlicesComputeTheUnsplitBits) {
  RowModel r = row_model();
  Session whole(r.m.g);
  const std::vector<ir::Tensor> want = whole.run(r.inputs);
  for (int count : {2, 3, 4, 6}) {
    SessionOptions options;
    for (const ir::Node& n : r.m.g.nodes()) options.slices[n.id] = count;
    Session sliced(r.m.g, options);
    const auto& split = sliced.program().split_nodes;
    for (const std::string& name : kRowWise) {
      ASSERT_TRUE(split.count(r.nodes.at(name))) << name << " was not split into " << count;
      EXPECT_EQ(split.at(r.nodes.at(name)), count);
    }
    EXPECT_EQ(split.count(r.nodes.at("cross")), 0u) << "Softmax over the rows must run whole";
    if (count > 3) {
      EXPECT_EQ(split.count(r.nodes.at("tiny")), 0u) << "3 elements in one row cannot split " << count << " ways";
    }
    const std::vector<ir::Tensor> got = sliced.run(r.inputs);
    ASSERT_EQ(got.size(), want.size());
    for (size_t o = 0; o < got.size(); ++o) {
      ASSERT_EQ(got[o].dims(), want[o].dims());
      EXPECT_EQ(std::memcmp(got[o].raw(), want[o].raw(), want[o].byte_size()), 0) << "output " << o << ", " << count << " slices";
    }
  }
}

TEST(RowSlicing, RefusesWhatItCannotSplit) {
  RowModel r = row_model();
  auto init_for = [&](const std::string& name, SliceSpec slice) {
    const ir::Node& node = r.m.g.node(r.nodes.at(name));
    KernelInit init{node, {}};
    init.opset = 17;
    for (ir::ValueId v : node.inputs) {
      TensorInfo info;
      const ir::Value& value = r.m.g.value(v);
      info.dtype = value.dtype;
      info.dims = *value.shape;
      info.constant = value.constant ? &*value.constant : nullptr;
      init.inputs.push_back(info);
    }
    init.slice = slice;
    return init;
  };
  EXPECT_THROW(create_row_slice(find_kernel("Softmax", ""), init_for("cross", {0, 2})), Error);
  EXPECT_THROW(create_row_slice(find_kernel("Relu", ""), init_for("tiny", {0, 4})), Error);
  EXPECT_NO_THROW(create_row_slice(find_kernel("Relu", ""), init_for("tiny", {2, 3})));
  EXPECT_THROW(create_row_slice(find_kernel("Transpose", ""), init_for("tiny", {0, 2})), Error);
}

}  // namespace
}  // namespace ramiel::runtime
