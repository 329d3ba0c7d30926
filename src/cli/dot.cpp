// `ramiel dot`: the graph as Graphviz, critical path in red, node labels with op and cost.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/graph_dot.h"
#include "cli/model_loading.h"
#include "cost/analysis.h"

namespace ramiel::cli {

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
    std::string title = fmt::format("{}  W={:.2f} ms  CP={:.2f} ms  W/CP={:.2f}", opts->model, a.work_ms,
                                    a.critical_path_ms, a.parallelism);
    write_graph_dot(m.graph, m.node_ms, a.critical_path, opts->output, title);
    fmt::print("wrote {} ({} nodes, critical path {} nodes)\n", opts->output, a.nodes, a.critical_path.size());
  });
}

}  // namespace ramiel::cli
