#pragma once
// Builds IR graphs with real constants and attributes, for runtime and session tests.
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace ramiel::testing {

/// Builds IR graphs with real constants and attributes (opset 13).
struct ModelBuilder {
  ir::Graph g;  ///< The graph built so far.
  ModelBuilder() { g.opsets[""] = 13; }
  /// Declares a graph input.
  ir::ValueId input(const std::string& name, ir::Dims dims, ir::DataType dtype = ir::DataType::kFloat32) {
    ir::ValueId id = g.add_value(name, dtype, std::move(dims));
    g.add_input(id);
    return id;
  }
  /// Adds a constant value holding `t`.
  ir::ValueId constant(const std::string& name, ir::Tensor t) {
    ir::ValueId id = g.add_value(name, t.dtype(), t.dims());
    g.set_constant(id, std::move(t));
    return id;
  }
  /// Adds a node with one output (named after the node) and returns that output.
  ir::ValueId node(const std::string& op, std::vector<ir::ValueId> inputs, std::map<std::string, ir::Attribute> attrs = {},
                   const std::string& name = "") {
    ir::Node n;
    n.name = name.empty() ? op + "_" + std::to_string(g.nodes().size()) : name;
    n.op_type = op;
    n.inputs = std::move(inputs);
    n.attributes = std::move(attrs);
    n.outputs.push_back(g.add_value(n.name + "_out"));
    ir::ValueId out = n.outputs[0];
    g.add_node(std::move(n));
    return out;
  }
  /// Marks `id` as a graph output.
  void output(ir::ValueId id) { g.add_output(id); }
};

/// An INTS attribute.
inline ir::Attribute ints(std::vector<int64_t> v) {
  ir::Attribute a;
  a.type = ir::Attribute::Type::kInts;
  a.ints = std::move(v);
  return a;
}
/// An INT attribute.
inline ir::Attribute integer(int64_t v) {
  ir::Attribute a;
  a.type = ir::Attribute::Type::kInt;
  a.i = v;
  return a;
}

/// A float tensor of `dims` with N(0, 1) entries.
inline ir::Tensor random_tensor(ir::Dims dims, std::mt19937& rng) {
  ir::Tensor t(ir::DataType::kFloat32, std::move(dims));
  std::normal_distribution<float> d(0.0f, 1.0f);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

}  // namespace ramiel::testing
