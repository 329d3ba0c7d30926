#pragma once
/// \file
/// The graph IR: Values (tensors flowing along edges), Nodes (operators) and the Graph that owns both.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/attribute.h"
#include "ir/tensor.h"

namespace ramiel::ir {

/// Index of a node in Graph::nodes(); stable for the graph's lifetime.
using NodeId = int32_t;
/// Index of a value in Graph::values(); stable for the graph's lifetime.
using ValueId = int32_t;
/// Marks an absent optional input or output, or a value without a producer node.
inline constexpr int32_t kNone = -1;

/// A tensor flowing in the graph: a graph input, a constant, or a node output.
struct Value {
  ValueId id = kNone;                  ///< Own index.
  std::string name;                    ///< Unique ONNX name.
  DataType dtype = DataType::kUndefined;  ///< Element type (kUndefined if unknown).
  std::optional<Dims> shape;           ///< Dims from shape inference; -1 for an unknown dim; nullopt if rank unknown.
  NodeId producer = kNone;             ///< Node that writes it; kNone for graph inputs and constants.
  std::vector<NodeId> consumers;       ///< Nodes that read it (a node appears once per input slot).
  std::optional<Tensor> constant;      ///< Data, for initializers and folded constants.
  bool is_graph_input = false;         ///< Fed by the caller.
  bool is_graph_output = false;        ///< Returned to the caller.

  /// True if the shape is known and every dimension is concrete.
  bool has_static_shape() const;
  /// Element count for a static shape, else nullopt.
  std::optional<int64_t> element_count() const;
};

/// One operator application.
struct Node {
  NodeId id = kNone;                ///< Own index.
  std::string name;                 ///< ONNX node name, or a generated "op_N" when the model has none.
  std::string op_type;              ///< e.g. "Conv".
  std::string domain;               ///< "" for the default ONNX domain.
  std::vector<ValueId> inputs;      ///< kNone where an optional input is omitted.
  std::vector<ValueId> outputs;     ///< kNone where an optional output is omitted.
  std::map<std::string, Attribute> attributes;  ///< By name.
  bool has_subgraph = false;        ///< If/Loop/Scan...: kept as one opaque node.
  bool removed = false;             ///< Tombstone left by passes; ignored by iteration helpers.

  /// Attribute by name, or nullptr.
  const Attribute* attribute(const std::string& attr_name) const;
  /// Integer attribute or `fallback` when absent.
  int64_t attr_int(const std::string& attr_name, int64_t fallback) const;
  /// Float attribute or `fallback` when absent.
  float attr_float(const std::string& attr_name, float fallback) const;
  /// String attribute or `fallback` when absent.
  std::string attr_string(const std::string& attr_name, const std::string& fallback) const;
  /// Integer-list attribute or `fallback` when absent.
  std::vector<int64_t> attr_ints(const std::string& attr_name, std::vector<int64_t> fallback = {}) const;
  /// Float-list attribute or `fallback` when absent.
  std::vector<float> attr_floats(const std::string& attr_name, std::vector<float> fallback = {}) const;
};

/// A dataflow graph; owns its nodes and values. Built by the importer, edited by passes.
class Graph {
 public:
  /// Adds a value named `name` (must be unique) and returns its id.
  ValueId add_value(const std::string& name, DataType dtype = DataType::kUndefined,
                    std::optional<Dims> shape = std::nullopt);
  /// Adds a node; sets producer/consumer links of its inputs and outputs.
  NodeId add_node(Node node);
  /// Marks `id` as a graph input (in call order).
  void add_input(ValueId id);
  /// Marks `id` as a graph output (in call order).
  void add_output(ValueId id);
  /// Makes `id` a constant holding `data`.
  void set_constant(ValueId id, Tensor data);
  /// Removes node `id`: unlinks it from its inputs' consumer lists and leaves a tombstone.
  void remove_node(NodeId id);
  /// Rewires every consumer of `from` (and graph-output status) to read `to` instead.
  void replace_all_uses(ValueId from, ValueId to);
  /// Replaces node `id`'s inputs by `inputs` (same count), keeping consumer lists consistent.
  void rewire_inputs(NodeId id, const std::vector<ValueId>& inputs);
  /// Makes `producer`, which writes `from`, write `to` instead (`to` must have no producer).
  void move_definition(ValueId from, ValueId to, NodeId producer);

  /// Value by id.
  Value& value(ValueId id) { return values_.at(static_cast<size_t>(id)); }
  /// Value by id.
  const Value& value(ValueId id) const { return values_.at(static_cast<size_t>(id)); }
  /// Node by id.
  Node& node(NodeId id) { return nodes_.at(static_cast<size_t>(id)); }
  /// Node by id.
  const Node& node(NodeId id) const { return nodes_.at(static_cast<size_t>(id)); }
  /// Id of the value called `name`, or kNone.
  ValueId find_value(const std::string& name) const;

  /// All values, including unused ones.
  const std::vector<Value>& values() const { return values_; }
  /// All nodes, including tombstones (check Node::removed).
  const std::vector<Node>& nodes() const { return nodes_; }
  /// Number of live (not removed) nodes.
  size_t live_node_count() const;
  /// Graph inputs fed by the caller, in order (initializers excluded).
  const std::vector<ValueId>& inputs() const { return inputs_; }
  /// Graph outputs, in order.
  const std::vector<ValueId>& outputs() const { return outputs_; }

  /// Live nodes in a topological order (stable: ties broken by node id). Throws kInvalidModel on a cycle.
  std::vector<NodeId> topological_order() const;
  /// Distinct live producer nodes of `id`'s inputs (data predecessors).
  std::vector<NodeId> predecessors(NodeId id) const;
  /// Distinct live consumer nodes of `id`'s outputs (data successors).
  std::vector<NodeId> successors(NodeId id) const;

  /// Model-level metadata kept for export.
  std::string name;                          ///< Graph name.
  std::map<std::string, int64_t> opsets;     ///< Domain ("" = ai.onnx) to opset version.
  int64_t ir_version = 8;                    ///< ONNX IR version of the source model.

 private:
  std::vector<Value> values_;
  std::vector<Node> nodes_;
  std::vector<ValueId> inputs_;
  std::vector<ValueId> outputs_;
  std::map<std::string, ValueId> by_name_;
};

}  // namespace ramiel::ir
