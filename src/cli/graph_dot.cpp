#include "cli/graph_dot.h"

#include <fmt/format.h>

#include <fstream>
#include <set>

#include "ramiel/error.h"

namespace ramiel::cli {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

void write_graph_dot(const ir::Graph& graph, const std::vector<double>& node_ms, const std::vector<ir::NodeId>& highlight,
                     const std::string& path, const std::string& title) {
  std::set<ir::NodeId> hot_nodes(highlight.begin(), highlight.end());
  std::set<std::pair<ir::NodeId, ir::NodeId>> hot_edges;
  for (size_t i = 1; i < highlight.size(); ++i) hot_edges.insert({highlight[i - 1], highlight[i]});
  std::ofstream out(path);
  if (!out) throw Error(ErrorKind::kIo, "cannot write '" + path + "'");
  out << "digraph ramiel {\n  rankdir=TB;\n  node [shape=box, style=filled, fillcolor=white, fontname=Helvetica];\n";
  out << "  label=\"" << escape(title) << "\";\n";
  std::vector<ir::NodeId> order = graph.topological_order();
  for (ir::NodeId id : order) {
    const ir::Node& n = graph.node(id);
    std::string cost = node_ms.empty() ? "" : fmt::format("\\n{:.3f} ms", node_ms[static_cast<size_t>(id)]);
    bool hot = hot_nodes.count(id) > 0;
    out << fmt::format("  n{} [label=\"{}\\n{}{}\"{}];\n", id, escape(n.name), n.op_type, cost,
                       hot ? ", fillcolor=\"#ffb3b3\", color=red, penwidth=2" : "");
  }
  for (ir::NodeId id : order) {
    for (ir::NodeId s : graph.successors(id)) {
      out << fmt::format("  n{} -> n{}{};\n", id, s, hot_edges.count({id, s}) ? " [color=red, penwidth=2]" : "");
    }
  }
  out << "}\n";
  if (!out) throw Error(ErrorKind::kIo, "cannot write '" + path + "'");
}

}  // namespace ramiel::cli
