// `ramiel prune`: runs the pruning pipeline and writes the result as a valid ONNX model.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/model_loading.h"
#include "ir/onnx_import.h"
#include "passes/pipeline.h"
#include "ramiel/error.h"

namespace ramiel::cli {

void add_prune_command(CLI::App& app) {
  struct Options {
    std::string model;
    std::string output;
    bool print_passes = false;
    ModelOptions load;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("prune", "Constant-fold, clean up and dead-code-eliminate a model; write it as ONNX");
  cmd->add_option("model", opts->model, "ONNX model file");
  cmd->add_option("-o,--output", opts->output, "Output .onnx file");
  cmd->add_flag("--print-passes", opts->print_passes, "List the pruning passes in order and exit");
  add_model_options(*cmd, opts->load);
  cmd->callback([opts] {
    if (opts->print_passes) {
      passes::PassManager pm = passes::pruning_pipeline();
      for (const auto& p : pm.passes()) fmt::print("{:<24} {}\n", p->name(), p->description());
      return;
    }
    if (opts->model.empty()) throw Error(ErrorKind::kInvalidArgument, "prune: a MODEL is required");
    if (opts->output.empty()) throw Error(ErrorKind::kInvalidArgument, "prune: -o OUT.onnx is required");
    if (opts->load.no_prune) throw Error(ErrorKind::kInvalidArgument, "prune: --no-prune makes no sense here");
    LoadedModel m = load_model(opts->model, opts->load);
    for (const auto& r : m.passes) {
      fmt::print("{:<24} {:>5} -> {:>5} nodes  {:7.2f} ms\n", r.name, r.nodes_before, r.nodes_after, r.ms);
    }
    ir::export_onnx_file(m.graph, opts->output);
    fmt::print("wrote {} ({} nodes, {} before pruning)\n", opts->output, m.graph.live_node_count(), m.nodes_before_pruning);
  });
}

}  // namespace ramiel::cli
