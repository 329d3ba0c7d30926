#include "passes/pass.h"

#include <algorithm>
#include <chrono>

#include "ramiel/error.h"

namespace ramiel::passes {

void PassManager::dump_after(std::string pass_name, std::function<void(const std::string&, const ir::Graph&)> callback) {
  dump_pass_ = std::move(pass_name);
  dump_ = std::move(callback);
}

std::vector<PassReport> PassManager::run(ir::Graph& graph) {
  std::vector<PassReport> reports;
  for (const auto& pass : passes_) {
    PassReport r;
    r.name = std::string(pass->name());
    r.nodes_before = graph.live_node_count();
    auto start = std::chrono::steady_clock::now();
    r.changed = pass->run(graph);
    r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    r.nodes_after = graph.live_node_count();
    verify_graph(graph);
    if (dump_ && (dump_pass_ == "all" || dump_pass_ == r.name)) dump_(r.name, graph);
    reports.push_back(std::move(r));
  }
  return reports;
}

void verify_graph(const ir::Graph& graph) {
  auto fail = [](const std::string& what) { throw Error(ErrorKind::kInternal, "graph invariant broken: " + what); };
  for (const ir::Node& n : graph.nodes()) {
    if (n.removed) continue;
    for (ir::ValueId in : n.inputs) {
      if (in == ir::kNone) continue;
      const ir::Value& v = graph.value(in);
      if (std::find(v.consumers.begin(), v.consumers.end(), n.id) == v.consumers.end()) {
        fail("node '" + n.name + "' reads '" + v.name + "' but is not among its consumers");
      }
      if (v.producer == ir::kNone && !v.constant && !v.is_graph_input) fail("'" + v.name + "' read by '" + n.name + "' has no definition");
      if (v.producer != ir::kNone && graph.node(v.producer).removed) fail("'" + v.name + "' is produced by a removed node");
    }
    for (ir::ValueId out : n.outputs) {
      if (out != ir::kNone && graph.value(out).producer != n.id) fail("output '" + graph.value(out).name + "' of '" + n.name + "' has another producer");
    }
  }
  for (ir::ValueId out : graph.outputs()) {
    const ir::Value& v = graph.value(out);
    if (v.producer == ir::kNone && !v.constant && !v.is_graph_input) fail("graph output '" + v.name + "' has no definition");
  }
  graph.topological_order();  // throws on a cycle
}

}  // namespace ramiel::passes
