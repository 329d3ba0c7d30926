#include "passes/dead_code_elimination.h"

#include <vector>

namespace ramiel::passes {

bool DeadCodeElimination::run_impl(ir::Graph& graph) {
  // Mark live nodes by walking backwards from the graph outputs.
  std::vector<bool> live(graph.nodes().size(), false);
  std::vector<ir::NodeId> stack;
  for (ir::ValueId out : graph.outputs()) {
    ir::NodeId p = graph.value(out).producer;
    if (p != ir::kNone && !live[static_cast<size_t>(p)]) {
      live[static_cast<size_t>(p)] = true;
      stack.push_back(p);
    }
  }
  while (!stack.empty()) {
    ir::NodeId n = stack.back();
    stack.pop_back();
    for (ir::NodeId p : graph.predecessors(n)) {
      if (!live[static_cast<size_t>(p)]) {
        live[static_cast<size_t>(p)] = true;
        stack.push_back(p);
      }
    }
  }
  bool changed = false;
  for (const ir::Node& n : graph.nodes()) {
    if (!n.removed && !live[static_cast<size_t>(n.id)]) {
      graph.remove_node(n.id);
      changed = true;
    }
  }
  for (const ir::Value& v : graph.values()) {
    if (v.constant && v.consumers.empty() && !v.is_graph_output) {
      graph.value(v.id).constant.reset();  // frees the initializer's data
      changed = true;
    }
  }
  return changed;
}

}  // namespace ramiel::passes
