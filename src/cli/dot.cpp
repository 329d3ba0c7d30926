// `ramiel dot`: the graph as Graphviz, critical path in red, node labels with op and cost.
#include <fmt/format.h>

#include <fstream>
#include <set>

#include "cli/commands.h"
#include "cli/model_loading.h"
#include "cost/analysis.h"
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

void add_dot_command(CLI::App& app) {
  struct Options {
    std::string model;
    std::string output;
    ModelOptions load;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("dot", "Write the graph as Graphviz DOT with the critical path highlighted");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_option("-o,--output", opts->output, "Output .dot file")->required();
  add_model_options(*cmd, opts->load);
  cmd->callback([opts] {
    LoadedModel m = load_model(opts->model, opts->load);
    cost::Analysis a = cost::analyze(m.graph, m.node_ms);
    std::set<ir::NodeId> on_path(a.critical_path.begin(), a.critical_path.end());
    std::set<std::pair<ir::NodeId, ir::NodeId>> path_edges;
    for (size_t i = 1; i < a.critical_path.size(); ++i) path_edges.insert({a.critical_path[i - 1], a.critical_path[i]});
    std::ofstream out(opts->output);
    if (!out) throw Error(ErrorKind::kIo, "cannot write '" + opts->output + "'");
    out << "digraph ramiel {\n  rankdir=TB;\n  node [shape=box, style=filled, fillcolor=white, fontname=Helvetica];\n";
    out << fmt::format("  label=\"{}  W={:.2f} ms  CP={:.2f} ms  W/CP={:.2f}\";\n", escape(opts->model), a.work_ms,
                       a.critical_path_ms, a.parallelism);
    for (ir::NodeId id : m.graph.topological_order()) {
      const ir::Node& n = m.graph.node(id);
      bool hot = on_path.count(id) > 0;
      out << fmt::format("  n{} [label=\"{}\\n{}\\n{:.3f} ms\"{}];\n", id, escape(n.name), n.op_type,
                         m.node_ms[static_cast<size_t>(id)], hot ? ", fillcolor=\"#ffb3b3\", color=red, penwidth=2" : "");
    }
    for (ir::NodeId id : m.graph.topological_order()) {
      for (ir::NodeId s : m.graph.successors(id)) {
        bool hot = path_edges.count({id, s}) > 0;
        out << fmt::format("  n{} -> n{}{};\n", id, s, hot ? " [color=red, penwidth=2]" : "");
      }
    }
    out << "}\n";
    if (!out) throw Error(ErrorKind::kIo, "cannot write '" + opts->output + "'");
    fmt::print("wrote {} ({} nodes, critical path {} nodes)\n", opts->output, a.nodes, a.critical_path.size());
  });
}

}  // namespace ramiel::cli
