#include "cli/model_loading.h"

#include "cost/cost_model.h"
#include "ir/onnx_import.h"

namespace ramiel::cli {

void add_model_options(CLI::App& cmd, ModelOptions& options) {
  cmd.add_flag("--no-check", options.no_check, "Skip the ONNX checker");
}

LoadedModel load_model(const std::string& path, const ModelOptions& options) {
  LoadedModel m;
  ir::ImportOptions import_options;
  import_options.run_checker = !options.no_check;
  m.graph = ir::import_onnx_file(path, import_options);
  m.nodes_before_pruning = m.graph.live_node_count();
  m.node_ms = cost::analytic_times_ms(m.graph);
  m.cost_source = "analytic";
  return m;
}

}  // namespace ramiel::cli
