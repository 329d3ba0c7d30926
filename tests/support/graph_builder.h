#pragma once
// Builds IR graphs directly for pass, cost and scheduler tests.
#include <string>
#include <vector>

#include "ir/graph.h"

namespace ramiel::testing {

/// Fluent builder: nodes are named, values are created on first use.
class GraphBuilder {
 public:
  /// Declares a float graph input of `dims`.
  GraphBuilder& input(const std::string& name, ir::Dims dims) {
    graph_.add_input(value(name, dims));
    return *this;
  }
  /// Adds node `name` of type `op` reading `inputs` and writing `outputs` (float, `dims`).
  GraphBuilder& node(const std::string& name, const std::string& op, std::vector<std::string> inputs,
                     std::vector<std::string> outputs, ir::Dims dims = {1, 8}) {
    ir::Node n;
    n.name = name;
    n.op_type = op;
    for (const auto& i : inputs) n.inputs.push_back(value(i, dims));
    for (const auto& o : outputs) n.outputs.push_back(value(o, dims));
    graph_.add_node(std::move(n));
    return *this;
  }
  /// Marks `name` as a graph output.
  GraphBuilder& output(const std::string& name) {
    graph_.add_output(graph_.find_value(name));
    return *this;
  }
  /// The graph built so far.
  ir::Graph build() const { return graph_; }

 private:
  ir::ValueId value(const std::string& name, const ir::Dims& dims) {
    ir::ValueId id = graph_.find_value(name);
    return id != ir::kNone ? id : graph_.add_value(name, ir::DataType::kFloat32, dims);
  }
  ir::Graph graph_;
};

}  // namespace ramiel::testing
