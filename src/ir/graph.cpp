#include "ir/graph.h"

#include <algorithm>
#include <queue>

#include "ramiel/error.h"

namespace ramiel::ir {

bool Value::has_static_shape() const {
  if (!shape) return false;
  return std::all_of(shape->begin(), shape->end(), [](int64_t d) { return d >= 0; });
}

std::optional<int64_t> Value::element_count() const {
  if (!has_static_shape()) return std::nullopt;
  return ir::element_count(*shape);
}

const Attribute* Node::attribute(const std::string& attr_name) const {
  auto it = attributes.find(attr_name);
  return it == attributes.end() ? nullptr : &it->second;
}

int64_t Node::attr_int(const std::string& attr_name, int64_t fallback) const {
  const Attribute* a = attribute(attr_name);
  return a ? a->i : fallback;
}

float Node::attr_float(const std::string& attr_name, float fallback) const {
  const Attribute* a = attribute(attr_name);
  return a ? a->f : fallback;
}

std::string Node::attr_string(const std::string& attr_name, const std::string& fallback) const {
  const Attribute* a = attribute(attr_name);
  return a ? a->s : fallback;
}

std::vector<int64_t> Node::attr_ints(const std::string& attr_name, std::vector<int64_t> fallback) const {
  const Attribute* a = attribute(attr_name);
  return a ? a->ints : fallback;
}

std::vector<float> Node::attr_floats(const std::string& attr_name, std::vector<float> fallback) const {
  const Attribute* a = attribute(attr_name);
  return a ? a->floats : fallback;
}

ValueId Graph::add_value(const std::string& value_name, DataType dtype, std::optional<Dims> shape) {
  if (by_name_.count(value_name)) {
    throw Error(ErrorKind::kInvalidModel, "value '" + value_name + "' is defined twice");
  }
  Value v;
  v.id = static_cast<ValueId>(values_.size());
  v.name = value_name;
  v.dtype = dtype;
  v.shape = std::move(shape);
  by_name_[value_name] = v.id;
  values_.push_back(std::move(v));
  return values_.back().id;
}

NodeId Graph::add_node(Node n) {
  n.id = static_cast<NodeId>(nodes_.size());
  for (ValueId in : n.inputs) {
    if (in != kNone) value(in).consumers.push_back(n.id);
  }
  for (ValueId out : n.outputs) {
    if (out == kNone) continue;
    Value& v = value(out);
    if (v.producer != kNone || v.constant || v.is_graph_input) {
      throw Error(ErrorKind::kInvalidModel, "value '" + v.name + "' has more than one producer");
    }
    v.producer = n.id;
  }
  nodes_.push_back(std::move(n));
  return nodes_.back().id;
}

void Graph::add_input(ValueId id) {
  value(id).is_graph_input = true;
  inputs_.push_back(id);
}

void Graph::add_output(ValueId id) {
  value(id).is_graph_output = true;
  outputs_.push_back(id);
}

void Graph::set_constant(ValueId id, Tensor data) {
  Value& v = value(id);
  v.dtype = data.dtype();
  v.shape = data.dims();
  v.constant = std::move(data);
}

void Graph::remove_node(NodeId id) {
  Node& n = node(id);
  if (n.removed) return;
  for (ValueId in : n.inputs) {
    if (in == kNone) continue;
    auto& c = value(in).consumers;
    auto it = std::find(c.begin(), c.end(), id);
    if (it != c.end()) c.erase(it);
  }
  for (ValueId out : n.outputs) {
    if (out != kNone && value(out).producer == id) value(out).producer = kNone;
  }
  n.removed = true;
}

void Graph::replace_all_uses(ValueId from, ValueId to) {
  if (from == to) return;
  Value& src = value(from);
  for (NodeId c : src.consumers) {
    for (ValueId& in : node(c).inputs) {
      if (in == from) in = to;
    }
  }
  // Each consumer entry stands for one input slot, so move them over one for one.
  auto& dst_consumers = value(to).consumers;
  dst_consumers.insert(dst_consumers.end(), src.consumers.begin(), src.consumers.end());
  src.consumers.clear();
  for (ValueId& out : outputs_) {
    if (out == from) out = to;
  }
  if (src.is_graph_output) {
    src.is_graph_output = false;
    value(to).is_graph_output = true;
  }
}

void Graph::rewire_inputs(NodeId id, const std::vector<ValueId>& inputs) {
  Node& n = node(id);
  if (inputs.size() != n.inputs.size()) throw Error(ErrorKind::kInternal, "rewire_inputs: input count differs");
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] == n.inputs[i]) continue;
    if (n.inputs[i] != kNone) {
      auto& c = value(n.inputs[i]).consumers;
      auto it = std::find(c.begin(), c.end(), id);
      if (it != c.end()) c.erase(it);
    }
    if (inputs[i] != kNone) value(inputs[i]).consumers.push_back(id);
    n.inputs[i] = inputs[i];
  }
}

void Graph::move_definition(ValueId from, ValueId to, NodeId producer) {
  if (value(to).producer != kNone || value(to).constant) {
    throw Error(ErrorKind::kInternal, "move_definition: '" + value(to).name + "' is already defined");
  }
  for (ValueId& out : node(producer).outputs) {
    if (out == from) out = to;
  }
  value(to).producer = producer;
  value(from).producer = kNone;
}

ValueId Graph::find_value(const std::string& value_name) const {
  auto it = by_name_.find(value_name);
  return it == by_name_.end() ? kNone : it->second;
}

size_t Graph::live_node_count() const {
  return static_cast<size_t>(std::count_if(nodes_.begin(), nodes_.end(), [](const Node& n) { return !n.removed; }));
}

std::vector<NodeId> Graph::predecessors(NodeId id) const {
  std::vector<NodeId> out;
  for (ValueId in : node(id).inputs) {
    if (in == kNone) continue;
    NodeId p = value(in).producer;
    if (p != kNone && !node(p).removed && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

std::vector<NodeId> Graph::successors(NodeId id) const {
  std::vector<NodeId> out;
  for (ValueId o : node(id).outputs) {
    if (o == kNone) continue;
    for (NodeId c : value(o).consumers) {
      if (!node(c).removed && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    }
  }
  return out;
}

std::vector<NodeId> Graph::topological_order() const {
  // Kahn's algorithm with a min-heap so the order is deterministic and close to the file order.
  std::vector<int32_t> indegree(nodes_.size(), 0);
  for (const Node& n : nodes_) {
    if (!n.removed) indegree[static_cast<size_t>(n.id)] = static_cast<int32_t>(predecessors(n.id).size());
  }
  std::priority_queue<NodeId, std::vector<NodeId>, std::greater<>> ready;
  for (const Node& n : nodes_) {
    if (!n.removed && indegree[static_cast<size_t>(n.id)] == 0) ready.push(n.id);
  }
  std::vector<NodeId> order;
  order.reserve(nodes_.size());
  while (!ready.empty()) {
    NodeId n = ready.top();
    ready.pop();
    order.push_back(n);
    for (NodeId s : successors(n)) {
      if (--indegree[static_cast<size_t>(s)] == 0) ready.push(s);
    }
  }
  if (order.size() != live_node_count()) {
    for (const Node& n : nodes_) {
      if (!n.removed && indegree[static_cast<size_t>(n.id)] > 0) {
        throw Error(ErrorKind::kInvalidModel, "graph has a cycle through node '" + n.name + "' (" + n.op_type + ")");
      }
    }
  }
  return order;
}

}  // namespace ramiel::ir
