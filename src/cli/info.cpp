// `ramiel info`: what the model is made of and how much parallelism it offers.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/model_loading.h"
#include "cost/analysis.h"

namespace ramiel::cli {

void add_info_command(CLI::App& app) {
  struct Options {
    std::string model;
    bool json = false;
    ModelOptions load;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("info", "Summarise a model: operators, cost, critical path, parallelism");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_flag("--json", opts->json, "Print one JSON object");
  add_model_options(*cmd, opts->load);
  cmd->callback([opts] {
    LoadedModel m = load_model(opts->model, opts->load);
    cost::Analysis a = cost::analyze(m.graph, m.node_ms);
    if (opts->json) {
      nlohmann::json j;
      j["model"] = opts->model;
      j["nodes"] = a.nodes;
      j["nodes_before_pruning"] = m.nodes_before_pruning;
      j["edges"] = a.edges;
      j["ops"] = a.ops;
      j["work_ms"] = a.work_ms;
      j["critical_path_ms"] = a.critical_path_ms;
      j["parallelism"] = a.parallelism;
      j["max_width"] = a.max_width;
      j["cost_source"] = m.cost_source;
      std::vector<std::string> path;
      for (ir::NodeId n : a.critical_path) path.push_back(m.graph.node(n).name);
      j["critical_path"] = path;
      j["inputs"] = nlohmann::json::array();
      for (ir::ValueId v : m.graph.inputs()) {
        const ir::Value& val = m.graph.value(v);
        j["inputs"].push_back({{"name", val.name}, {"dtype", ir::to_string(val.dtype)},
                               {"shape", val.shape ? *val.shape : ir::Dims{}}});
      }
      j["outputs"] = nlohmann::json::array();
      for (ir::ValueId v : m.graph.outputs()) {
        const ir::Value& val = m.graph.value(v);
        j["outputs"].push_back({{"name", val.name}, {"dtype", ir::to_string(val.dtype)},
                                {"shape", val.shape ? *val.shape : ir::Dims{}}});
      }
      fmt::print("{}\n", j.dump(2));
      return;
    }
    fmt::print("model        {}\n", opts->model);
    for (ir::ValueId v : m.graph.inputs()) {
      const ir::Value& val = m.graph.value(v);
      fmt::print("input        {} {} {}\n", val.name, ir::to_string(val.dtype), val.shape ? ir::to_string(*val.shape) : "?");
    }
    for (ir::ValueId v : m.graph.outputs()) {
      const ir::Value& val = m.graph.value(v);
      fmt::print("output       {} {} {}\n", val.name, ir::to_string(val.dtype), val.shape ? ir::to_string(*val.shape) : "?");
    }
    if (m.nodes_before_pruning != a.nodes) {
      fmt::print("nodes        {} ({} before pruning)\n", a.nodes, m.nodes_before_pruning);
    } else {
      fmt::print("nodes        {}\n", a.nodes);
    }
    fmt::print("edges        {}\n", a.edges);
    std::vector<std::pair<int, std::string>> by_count;
    for (const auto& [op, count] : a.ops) by_count.push_back({-count, op});
    std::sort(by_count.begin(), by_count.end());
    std::string ops;
    for (const auto& [neg, op] : by_count) ops += fmt::format("{}{} {}", ops.empty() ? "" : ", ", op, -neg);
    fmt::print("operators    {}\n", ops);
    fmt::print("costs        {}\n", m.cost_source);
    fmt::print("work W       {:.3f} ms\n", a.work_ms);
    fmt::print("critical CP  {:.3f} ms ({} nodes)\n", a.critical_path_ms, a.critical_path.size());
    fmt::print("W/CP         {:.3f} (bound on speedup from running branches in parallel)\n", a.parallelism);
    fmt::print("max width    {} (most nodes that can run at once)\n", a.max_width);
  });
}

}  // namespace ramiel::cli
