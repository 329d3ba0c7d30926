#include "runtime/serial_executor.h"

#include <chrono>
#include <oneapi/dnnl/dnnl.hpp>

#include "ramiel/error.h"
#include "runtime/kernels/dnnl_common.h"

namespace ramiel::runtime {

void run_step(Program& program, const ir::Graph& graph, size_t index) {
  Step& step = program.steps[index];
  if (step.skip) return;
  try {
    step.kernel->run(step.in, step.out);
  } catch (const Error& e) {
    const ir::Node& node = graph.node(step.node);
    throw Error(e.kind(), "node '" + node.name + "' (" + step.op + "): " + e.what());
  } catch (const dnnl::error& e) {
    const ir::Node& node = graph.node(step.node);
    throw Error(ErrorKind::kInternal, "node '" + node.name + "' (" + step.op + "): oneDNN: " + e.what());
  }
  for (size_t i = 0; i < step.outputs.size(); ++i) {
    Slot& slot = program.slots[static_cast<size_t>(step.outputs[i])];
    if (slot.storage != SlotStorage::kDynamic) continue;
    slot.tensor = step.out[i];
    slot.dims = slot.tensor.dims();
    for (auto [s, in] : program.dynamic_consumers[static_cast<size_t>(step.outputs[i])]) {
      program.steps[static_cast<size_t>(s)].in[static_cast<size_t>(in)] = slot.tensor;
    }
  }
}

void run_serial(Program& program, const ir::Graph& graph) {
  dnnl_util::ThreadScope scope(1);
  for (size_t i = 0; i < program.steps.size(); ++i) run_step(program, graph, i);
}

void run_serial_profiled(Program& program, const ir::Graph& graph, std::vector<double>& step_ms) {
  dnnl_util::ThreadScope scope(1);
  step_ms.resize(program.steps.size(), 0.0);
  for (size_t i = 0; i < program.steps.size(); ++i) {
    auto t0 = std::chrono::steady_clock::now();
    run_step(program, graph, i);
    step_ms[i] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
}

}  // namespace ramiel::runtime
