#include "schedule/plan_lowering.h"

#include <string>
#include <unordered_map>

#include "ramiel/error.h"

namespace ramiel::schedule {

WorkerNodes lower_plan(ir::Graph& graph, const Plan& plan) {
  WorkerNodes result(plan.workers.size());
  for (size_t w = 0; w < plan.workers.size(); ++w) {
    // Value -> the instance of it this worker computed itself (by a clone).
    std::unordered_map<ir::ValueId, ir::ValueId> local;
    auto rewire_inputs = [&](std::vector<ir::ValueId> inputs) {
      for (ir::ValueId& in : inputs) {
        auto it = in == ir::kNone ? local.end() : local.find(in);
        if (it != local.end()) in = it->second;
      }
      return inputs;
    };
    for (const Step& step : plan.workers[w].steps) {
      if (step.kind == StepKind::kSlice) {
        if (step.slice_count < 1 || step.slice_index < 0 || step.slice_index >= step.slice_count) {
          throw Error(ErrorKind::kInvalidArgument, "plan step runs slice " + std::to_string(step.slice_index) + " of " +
                                                       std::to_string(step.slice_count) + " of node " + std::to_string(step.node));
        }
        result[w].push_back({step.node, step.slice_index, step.slice_count});
        continue;
      }
      if (step.kind == StepKind::kRun) {
        std::vector<ir::ValueId> inputs = rewire_inputs(graph.node(step.node).inputs);
        if (inputs != graph.node(step.node).inputs) graph.rewire_inputs(step.node, inputs);
        result[w].push_back({step.node});
        continue;
      }
      // kClone: a copy of the node whose outputs only this worker reads.
      ir::Node clone = graph.node(step.node);
      clone.name += "@w" + std::to_string(w);
      clone.inputs = rewire_inputs(clone.inputs);
      for (ir::ValueId& out : clone.outputs) {
        if (out == ir::kNone) continue;
        const ir::Value& original = graph.value(out);
        ir::ValueId copy = graph.add_value(original.name + "@w" + std::to_string(w), original.dtype, original.shape);
        local[out] = copy;
        out = copy;
      }
      result[w].push_back({graph.add_node(std::move(clone))});
    }
  }
  return result;
}

}  // namespace ramiel::schedule
