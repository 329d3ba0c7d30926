#include "runtime/session.h"

#include <omp.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>

#include "ramiel/error.h"
#include "runtime/layout.h"
#include "runtime/memory_planner.h"
#include "runtime/kernels/dnnl_common.h"
#include "runtime/serial_executor.h"

namespace ramiel::runtime {
namespace {

std::shared_ptr<std::byte> allocate_arena(size_t bytes) {
  size_t rounded = std::max<size_t>(64, (bytes + 63) / 64 * 64);
  void* p = std::aligned_alloc(64, rounded);
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, rounded);
  return std::shared_ptr<std::byte>(static_cast<std::byte*>(p), [](std::byte* q) { std::free(q); });
}

std::string describe(ir::DataType dtype, const ir::Dims& dims) {
  return std::string(ir::to_string(dtype)) + " " + ir::to_string(dims);
}

}  // namespace

Session::Session(ir::Graph graph, const SessionOptions& options)
    : graph_(std::make_unique<ir::Graph>(std::move(graph))) {
  BuildOptions build;
  const bool parallel = options.schedule && options.schedule->workers.size() > 1;
  // A plan, or a serial run of a sliced program (which must give the plan's bits), keeps channel
  // blocks; kernels on OpenMP threads in serial order may take oneDNN's NHWC kernels instead.
  const bool threaded = !parallel && options.slices.empty() && options.kernel_threads > 1;
  build.activation_layout = options.activation_layout ? *options.activation_layout
                            : threaded                 ? threaded_activation_layout(*graph_)
                                                       : preferred_activation_layout();
  build.fold_constants = options.fold_constants;
  build.input_dims = options.input_dims;
  build.fuse_activations = options.fuse_activations;
  build.concat_in_place = options.concat_in_place;
  build.slices = options.slices;
  if (parallel) {
    for (const auto& [node, count] : options.schedule->split_nodes()) build.slices[node] = count;
  }
  build.threads = parallel ? 1 : std::max(1, options.kernel_threads);
  build.serial_order = !parallel;
  program_ = build_program(*graph_, build);

  // Memory: one arena, buffers placed by lifetime: in serial step order, or under the parallel
  // schedule's happens-before order so that a buffer is reused only once every reader of its old
  // value is ordered before the new writer.
  std::vector<BufferLifetime> lifetimes;
  for (const BufferUse& b : program_.buffers) lifetimes.push_back({b.bytes, b.writer, b.readers, b.co_writers});
  MemoryPlan plan;
  if (parallel) {
    static_schedule_ = schedule_program(program_, *options.schedule, graph_->nodes().size());
    ScheduleOrder order(static_schedule_);
    plan = plan_memory(lifetimes, program_happens_before(order, program_.steps.size()));
    const int workers = static_cast<int>(options.schedule->workers.size());
    // Every worker thread runs its kernels on one OpenMP thread, like the serial executor.
    executor_ = std::make_unique<ParallelExecutor>(workers, [](int) { omp_set_num_threads(1); });
  } else {
    plan = plan_memory_serial(lifetimes);
  }
  program_.stats.arena_bytes = plan.arena_bytes;
  program_.stats.unshared_bytes = plan.unshared_bytes;
  arena_ = allocate_arena(plan.arena_bytes);

  for (Slot& slot : program_.slots) {
    if (slot.storage != SlotStorage::kArena) continue;
    std::byte* base = slot.view_of >= 0 ? static_cast<std::byte*>(program_.slots[static_cast<size_t>(slot.view_of)].tensor.raw())
                                        : arena_.get() + plan.offsets[static_cast<size_t>(slot.buffer)] + slot.offset;
    slot.tensor = ir::Tensor::wrap(slot.dtype, slot.dims, base);
  }
  // Each step gets the tensors it passes to run(): physical dims for permuted kernels.
  auto bind = [&](int slot_id, bool physical) {
    if (slot_id < 0) return ir::Tensor();
    const Slot& slot = program_.slots[static_cast<size_t>(slot_id)];
    if (!physical) return slot.tensor;
    return slot.tensor.reshaped(physical_dims(slot.dims, program_.activation_layout));
  };
  for (std::vector<Step>* steps : {&program_.prologue, &program_.steps}) {
    for (Step& step : *steps) {
      for (size_t i = 0; i < step.inputs.size(); ++i) step.in.push_back(bind(step.inputs[i], step.physical[i]));
      for (size_t i = 0; i < step.outputs.size(); ++i) {
        step.out.push_back(bind(step.outputs[i], step.physical[step.inputs.size() + i]));
      }
    }
  }

  for (size_t i = 0; i < graph_->inputs().size(); ++i) {
    const Slot& s = program_.slots[static_cast<size_t>(program_.input_slots[i])];
    inputs_.push_back({graph_->value(graph_->inputs()[i]).name, s.dtype, s.dims});
  }
  for (size_t i = 0; i < graph_->outputs().size(); ++i) {
    const Slot& s = program_.slots[static_cast<size_t>(program_.output_slots[i])];
    ir::Dims dims = s.storage == SlotStorage::kDynamic ? ir::Dims(s.dims.size(), -1) : s.dims;
    outputs_.push_back({graph_->value(graph_->outputs()[i]).name, s.dtype, dims});
  }
}

Session::~Session() = default;

void Session::bind_inputs(std::span<const ir::Tensor> inputs) {
  if (inputs.size() != inputs_.size()) {
    throw Error(ErrorKind::kInvalidArgument, "model takes " + std::to_string(inputs_.size()) + " inputs, got " +
                                                 std::to_string(inputs.size()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const IoInfo& want = inputs_[i];
    const ir::Tensor& got = inputs[i];
    if (got.dtype() != want.dtype || got.dims() != want.dims) {
      throw Error(ErrorKind::kInvalidArgument, "input '" + want.name + "': expected " + describe(want.dtype, want.dims) +
                                                   ", got " + describe(got.dtype(), got.dims()));
    }
    if (got.raw() == nullptr && got.size() > 0) {
      throw Error(ErrorKind::kInvalidArgument, "input '" + want.name + "' has no data");
    }
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    Slot& slot = program_.slots[static_cast<size_t>(program_.input_slots[i])];
    if (inputs[i].byte_size() > 0) std::memcpy(slot.tensor.raw(), inputs[i].raw(), inputs[i].byte_size());
  }
  for (Step& step : program_.prologue) step.kernel->run(step.in, step.out);
}

std::vector<ir::Tensor> Session::collect_outputs() const {
  std::vector<ir::Tensor> out;
  out.reserve(program_.output_slots.size());
  for (int id : program_.output_slots) out.push_back(program_.slots[static_cast<size_t>(id)].tensor.clone());
  return out;
}

std::vector<ir::Tensor> Session::run(std::span<const ir::Tensor> inputs) {
  bind_inputs(inputs);
  if (executor_) {
    dnnl_util::ThreadScope scope(1);  // the calling thread is worker 0
    executor_->run(static_schedule_, [this](int, TaskId task) { run_step(program_, *graph_, static_cast<size_t>(task)); });
  } else {
    run_serial(program_, *graph_);
  }
  return collect_outputs();
}

std::vector<ir::Tensor> Session::run_traced(std::span<const ir::Tensor> inputs, std::vector<TraceEvent>& trace) {
  bind_inputs(inputs);
  using Clock = std::chrono::steady_clock;
  trace.assign(program_.steps.size(), TraceEvent{});
  const Clock::time_point origin = Clock::now();
  auto traced = [&](int worker, size_t step) {  // each step writes its own event: no race
    const Clock::time_point start = Clock::now();
    run_step(program_, *graph_, step);
    const Clock::time_point end = Clock::now();
    trace[step] = {static_cast<int>(step), worker, std::chrono::duration<double, std::micro>(start - origin).count(),
                   std::chrono::duration<double, std::micro>(end - origin).count()};
  };
  dnnl_util::ThreadScope scope(1);  // as run(): worker 0, or the serial order (kernels set their own thread counts)
  if (executor_) {
    executor_->run(static_schedule_, [&](int worker, TaskId task) { traced(worker, static_cast<size_t>(task)); });
  } else {
    for (size_t i = 0; i < program_.steps.size(); ++i) traced(0, i);
  }
  return collect_outputs();
}

std::vector<ir::Tensor> Session::run(const std::map<std::string, ir::Tensor>& inputs) {
  std::vector<ir::Tensor> ordered;
  for (const IoInfo& info : inputs_) {
    auto it = inputs.find(info.name);
    if (it == inputs.end()) throw Error(ErrorKind::kInvalidArgument, "missing input '" + info.name + "'");
    ordered.push_back(it->second);
  }
  for (const auto& [name, tensor] : inputs) {
    bool found = false;
    for (const IoInfo& info : inputs_) found = found || info.name == name;
    if (!found) {
      std::string names;
      for (const IoInfo& info : inputs_) names += (names.empty() ? "'" : ", '") + info.name + "'";
      throw Error(ErrorKind::kInvalidArgument, "model has no input '" + name + "' (inputs: " + names + ")");
    }
  }
  return run(ordered);
}

std::vector<ir::Tensor> Session::run_profiled(std::span<const ir::Tensor> inputs, std::vector<StepProfile>& profile) {
  bind_inputs(inputs);
  std::vector<double> ms(program_.steps.size(), 0.0);
  run_serial_profiled(program_, *graph_, ms);
  if (profile.size() != program_.steps.size()) {
    profile.clear();
    for (const Step& step : program_.steps) profile.push_back({graph_->node(step.node).name, step.op, 0.0, step.slice.index});
  }
  for (size_t i = 0; i < ms.size(); ++i) profile[i].ms += ms[i];
  return collect_outputs();
}

}  // namespace ramiel::runtime
