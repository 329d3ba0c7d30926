#include "ir/onnx_import.h"

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "ir/onnx_convert.h"
#include "ramiel/error.h"

namespace ramiel::ir {
namespace {

/// First line of a (possibly multi-line) library message, so our errors stay one line.
std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.size() > 300 ? line.substr(0, 300) + "..." : line;
}

/// Dims of a TypeProto, or nullopt if it has no shape. Symbolic or missing dims become -1.
std::optional<Dims> dims_of(const onnx::TypeProto& type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return std::nullopt;
  Dims dims;
  for (const auto& d : type.tensor_type().shape().dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
  return dims;
}

DataType dtype_of(const onnx::TypeProto& type) {
  if (!type.has_tensor_type() || !is_valid(type.tensor_type().elem_type())) return DataType::kUndefined;
  return static_cast<DataType>(type.tensor_type().elem_type());
}

/// Rejects dangling inputs and cycles with our own messages, before the checker's terser ones.
void check_structure(const onnx::GraphProto& g) {
  std::unordered_set<std::string> defined;
  for (const auto& i : g.input()) defined.insert(i.name());
  for (const auto& i : g.initializer()) defined.insert(i.name());
  std::unordered_map<std::string, int> producer;
  for (int n = 0; n < g.node_size(); ++n) {
    for (const auto& o : g.node(n).output()) {
      if (o.empty()) continue;
      if (defined.count(o) || producer.count(o)) {
        throw Error(ErrorKind::kInvalidModel, "value '" + o + "' is produced more than once");
      }
      producer[o] = n;
    }
  }
  auto node_label = [&](int n) {
    const auto& node = g.node(n);
    return "node '" + (node.name().empty() ? "#" + std::to_string(n) : node.name()) + "' (" + node.op_type() + ")";
  };
  for (int n = 0; n < g.node_size(); ++n) {
    for (const auto& in : g.node(n).input()) {
      if (!in.empty() && !defined.count(in) && !producer.count(in)) {
        throw Error(ErrorKind::kInvalidModel, node_label(n) + " reads '" + in + "', which no node, initializer or graph input defines");
      }
    }
  }
  for (const auto& o : g.output()) {
    if (!defined.count(o.name()) && !producer.count(o.name())) {
      throw Error(ErrorKind::kInvalidModel, "graph output '" + o.name() + "' is not defined by any node, initializer or input");
    }
  }
  // Cycle check by Kahn's algorithm over node indices.
  std::vector<std::vector<int>> succ(static_cast<size_t>(g.node_size()));
  std::vector<int> indeg(static_cast<size_t>(g.node_size()), 0);
  for (int n = 0; n < g.node_size(); ++n) {
    std::set<int> preds;
    for (const auto& in : g.node(n).input()) {
      auto it = producer.find(in);
      if (it != producer.end()) preds.insert(it->second);
    }
    for (int p : preds) succ[static_cast<size_t>(p)].push_back(n);
    indeg[static_cast<size_t>(n)] = static_cast<int>(preds.size());
  }
  std::vector<int> ready;
  for (int n = 0; n < g.node_size(); ++n) if (indeg[static_cast<size_t>(n)] == 0) ready.push_back(n);
  int seen = 0;
  while (!ready.empty()) {
    int n = ready.back();
    ready.pop_back();
    ++seen;
    for (int s : succ[static_cast<size_t>(n)]) if (--indeg[static_cast<size_t>(s)] == 0) ready.push_back(s);
  }
  if (seen != g.node_size()) {
    for (int n = 0; n < g.node_size(); ++n) {
      if (indeg[static_cast<size_t>(n)] > 0) throw Error(ErrorKind::kInvalidModel, "graph has a cycle through " + node_label(n));
    }
  }
}

/// Nodes ordered so producers come first; the checker insists on it and files may not comply.
void sort_nodes(onnx::GraphProto* g) {
  std::unordered_map<std::string, int> producer;
  for (int n = 0; n < g->node_size(); ++n) for (const auto& o : g->node(n).output()) if (!o.empty()) producer[o] = n;
  std::vector<int> state(static_cast<size_t>(g->node_size()), 0), order;
  // Iterative DFS post-order; check_structure already excluded cycles.
  for (int root = 0; root < g->node_size(); ++root) {
    if (state[static_cast<size_t>(root)]) continue;
    std::vector<std::pair<int, int>> stack{{root, 0}};
    state[static_cast<size_t>(root)] = 1;
    while (!stack.empty()) {
      auto& [n, k] = stack.back();
      const auto& node = g->node(n);
      if (k < node.input_size()) {
        auto it = producer.find(node.input(k++));
        if (it != producer.end() && !state[static_cast<size_t>(it->second)]) {
          state[static_cast<size_t>(it->second)] = 1;
          stack.push_back({it->second, 0});
        }
      } else {
        order.push_back(n);
        stack.pop_back();
      }
    }
  }
  bool sorted = true;
  for (size_t i = 0; i < order.size(); ++i) sorted = sorted && order[i] == static_cast<int>(i);
  if (sorted) return;
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  for (int n : order) *nodes.Add() = g->node(n);
  g->mutable_node()->Swap(&nodes);
}

Graph build_graph(const onnx::ModelProto& model, const std::string& base_dir) {
  const onnx::GraphProto& g = model.graph();
  Graph graph;
  graph.name = g.name();
  graph.ir_version = model.ir_version();
  for (const auto& op : model.opset_import()) graph.opsets[op.domain() == "ai.onnx" ? "" : op.domain()] = op.version();

  std::unordered_map<std::string, const onnx::TypeProto*> types;
  for (const auto& vi : g.value_info()) types[vi.name()] = &vi.type();
  for (const auto& vi : g.output()) types[vi.name()] = &vi.type();
  for (const auto& vi : g.input()) types[vi.name()] = &vi.type();

  auto get_or_add = [&](const std::string& name) {
    ValueId id = graph.find_value(name);
    if (id != kNone) return id;
    auto it = types.find(name);
    if (it == types.end()) return graph.add_value(name);
    return graph.add_value(name, dtype_of(*it->second), dims_of(*it->second));
  };

  for (const auto& init : g.initializer()) {
    ValueId id = get_or_add(init.name());
    graph.set_constant(id, tensor_from_proto(init, base_dir));
  }
  for (const auto& in : g.input()) {
    ValueId id = get_or_add(in.name());
    if (!graph.value(id).constant) graph.add_input(id);
  }
  std::set<std::string> used_names;
  for (int n = 0; n < g.node_size(); ++n) {
    const auto& np = g.node(n);
    Node node;
    node.op_type = np.op_type();
    node.domain = np.domain() == "ai.onnx" ? "" : np.domain();
    node.name = np.name().empty() ? np.op_type() + "_" + std::to_string(n) : np.name();
    if (!used_names.insert(node.name).second) {
      node.name += "_" + std::to_string(n);
      used_names.insert(node.name);
    }
    for (const auto& a : np.attribute()) {
      Attribute attr = attribute_from_proto(a);
      if (attr.graph_count > 0) node.has_subgraph = true;
      node.attributes[a.name()] = std::move(attr);
    }
    for (const auto& in : np.input()) node.inputs.push_back(in.empty() ? kNone : get_or_add(in));
    for (const auto& out : np.output()) node.outputs.push_back(out.empty() ? kNone : get_or_add(out));
    graph.add_node(std::move(node));
  }
  for (const auto& out : g.output()) graph.add_output(get_or_add(out.name()));
  return graph;
}

}  // namespace

Graph import_onnx_bytes(const std::string& bytes, const std::string& base_dir, const ImportOptions& options) {
  onnx::ModelProto model;
  if (bytes.empty()) throw Error(ErrorKind::kInvalidModel, "file is empty, not an ONNX model");
  if (!model.ParseFromString(bytes)) {
    throw Error(ErrorKind::kInvalidModel, "not an ONNX model (protobuf parse failed; the file may be truncated)");
  }
  if (!model.has_graph() || !model.has_ir_version()) {
    throw Error(ErrorKind::kInvalidModel, "not an ONNX model (no graph or no ir_version)");
  }
  check_structure(model.graph());
  sort_nodes(model.mutable_graph());
  if (options.run_checker) {
    try {
      onnx::checker::check_model(model);
    } catch (const std::exception& e) {
      throw Error(ErrorKind::kInvalidModel, "ONNX checker rejected the model: " + first_line(e.what()));
    }
  }
  if (options.infer_shapes) {
    try {
      onnx::ShapeInferenceOptions so(/*check_type=*/false, /*error_mode=*/0, /*data_prop=*/true);
      onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), so);
    } catch (const std::exception& e) {
      throw Error(ErrorKind::kInvalidModel, "ONNX shape inference failed: " + first_line(e.what()));
    }
  }
  return build_graph(model, base_dir);
}

Graph import_onnx_file(const std::string& path, const ImportOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(ErrorKind::kIo, "model file '" + path + "' does not exist");
  if (std::filesystem::is_directory(path, ec)) throw Error(ErrorKind::kIo, "model path '" + path + "' is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kIo, "cannot open model file '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  try {
    return import_onnx_bytes(buffer.str(), base_dir, options);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInvalidModel) throw Error(e.kind(), "'" + path + "': " + e.what());
    throw;
  }
}

void export_onnx_file(const Graph& graph, const std::string& path) {
  onnx::ModelProto model;
  model.set_ir_version(graph.ir_version);
  model.set_producer_name("ramiel");
  for (const auto& [domain, version] : graph.opsets) {
    auto* op = model.add_opset_import();
    op->set_domain(domain);
    op->set_version(version);
  }
  onnx::GraphProto* g = model.mutable_graph();
  g->set_name(graph.name);
  auto set_type = [](const Value& v, onnx::ValueInfoProto* vi) {
    vi->set_name(v.name);
    if (v.dtype == DataType::kUndefined) return;
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(static_cast<int32_t>(v.dtype));
    if (v.shape) {
      auto* shape = tt->mutable_shape();
      for (int64_t d : *v.shape) {
        auto* dim = shape->add_dim();
        if (d >= 0) dim->set_dim_value(d);
      }
    }
  };
  for (ValueId id : graph.inputs()) set_type(graph.value(id), g->add_input());
  for (ValueId id : graph.outputs()) set_type(graph.value(id), g->add_output());
  std::vector<bool> used(graph.values().size(), false);
  for (NodeId id : graph.topological_order()) {
    const Node& n = graph.node(id);
    auto* np = g->add_node();
    np->set_name(n.name);
    np->set_op_type(n.op_type);
    if (!n.domain.empty()) np->set_domain(n.domain);
    for (ValueId in : n.inputs) {
      np->add_input(in == kNone ? "" : graph.value(in).name);
      if (in != kNone) used[static_cast<size_t>(in)] = true;
    }
    for (ValueId out : n.outputs) np->add_output(out == kNone ? "" : graph.value(out).name);
    for (const auto& [name, attr] : n.attributes) attribute_to_proto(name, attr, np->add_attribute());
  }
  for (ValueId id : graph.outputs()) used[static_cast<size_t>(id)] = true;
  for (const Value& v : graph.values()) {
    if (v.constant && used[static_cast<size_t>(v.id)]) tensor_to_proto(*v.constant, v.name, g->add_initializer());
    else if (!v.constant && !v.is_graph_input && !v.is_graph_output && v.producer != kNone && v.dtype != DataType::kUndefined) {
      set_type(v, g->add_value_info());
    }
  }
  std::ofstream out(path, std::ios::binary);
  if (!out || !model.SerializeToOstream(&out)) throw Error(ErrorKind::kIo, "cannot write model file '" + path + "'");
}

}  // namespace ramiel::ir
