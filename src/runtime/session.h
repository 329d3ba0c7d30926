#pragma once
/// \file
/// Session: a model prepared once (kernels created, constants folded, layouts chosen, memory
/// planned and allocated) and then run many times.
///
/// Life of a session: build_program() creates every kernel in topological order from the
/// kernels' own output infos; plan_memory() places the intermediate buffers in one arena with
/// reuse; run() copies the inputs into their arena buffers, runs the steps with the serial
/// executor and returns fresh copies of the outputs (so they stay valid across later runs).

#include <map>
#include <optional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/parallel_executor.h"
#include "runtime/parallel_program.h"
#include "runtime/program.h"

namespace ramiel::runtime {

/// Choices fixed when a session is created.
struct SessionOptions {
  /// Layout of rank-4 activations between layout-aware operators (runtime/layout.h). Unset:
  /// preferred_activation_layout() (nChw16c on AVX-512, nChw8c on AVX2), or for a serial-order
  /// session with kernel_threads above one and no slices threaded_activation_layout() (NHWC for a
  /// CNN without Winograd candidates on AVX-512). kPlain: every tensor stays plain and each Conv
  /// reorders to and from its preferred layout on its own.
  std::optional<Layout> activation_layout;
  /// Evaluate nodes whose inputs are all constants once, at creation.
  bool fold_constants = true;
  /// Run in parallel: which worker runs which node, in order (from the scheduler's Plan, clones
  /// lowered to nodes). Unset, or one worker: the serial executor.
  std::optional<NodeSchedule> schedule;
  /// Concrete dims for graph inputs whose declared shape has symbolic dims.
  std::map<std::string, ir::Dims> input_dims;
  /// Nodes to split into slices (node -> count) even without a parallel schedule (e.g. to profile
  /// slice costs serially). A parallel schedule's sliced nodes are split in any case.
  std::map<ir::NodeId, int> slices;
  /// OpenMP threads every oneDNN kernel may use when the session runs serially (intra-operator
  /// parallelism by oneDNN itself, the alternative to slices). Parallel schedules use 1.
  int kernel_threads = 1;
  /// Fuse each Relu or constant Clip, and each residual Add (with its Relu), into the Conv before
  /// it; each bias Add and exported GELU chain into the MatMul before it (oneDNN post-ops, bias);
  /// and each exported LayerNorm chain into one LayerNormalization kernel (Program's Builder says
  /// exactly when).
  bool fuse_activations = true;
  /// Let the producers of a Concat's inputs write straight into its output (BuildOptions::concat_in_place).
  bool concat_in_place = true;
};

/// Name, element type and dims of a graph input or output.
struct IoInfo {
  std::string name;                               ///< Value name.
  ir::DataType dtype = ir::DataType::kUndefined;  ///< Element type.
  ir::Dims dims;                                  ///< Concrete dims.
};

/// Time spent in one step during profiled runs.
struct StepProfile {
  std::string node;  ///< Owning node's name.
  std::string op;    ///< Op type, or "LayoutConversion".
  double ms = 0;     ///< Total over the profiled runs.
  int slice = 0;     ///< Slice of a split node's kernel (0 for whole kernels and conversions).
};

/// When one step ran in a traced run.
struct TraceEvent {
  int step = 0;         ///< Index into Program::steps.
  int worker = 0;       ///< Worker that ran it (0 in a serial session).
  double start_us = 0;  ///< Start, in microseconds from the start of the run (after inputs are bound).
  double end_us = 0;    ///< End, likewise.
};

/// A model ready to run. Not thread-safe: one run() at a time.
class Session {
 public:
  /// Prepares `graph`. Throws ramiel::Error: kUnsupported listing every unsupported operator,
  /// kInvalidArgument for inputs without concrete dims, kernel errors tagged with the node.
  explicit Session(ir::Graph graph, const SessionOptions& options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Runs the model on `inputs` (one per graph input, in order) and returns the outputs in graph
  /// output order. Throws ramiel::Error(kInvalidArgument) for a wrong count, dtype or dims.
  std::vector<ir::Tensor> run(std::span<const ir::Tensor> inputs);
  /// Runs with inputs given by name (every graph input exactly once).
  std::vector<ir::Tensor> run(const std::map<std::string, ir::Tensor>& inputs);
  /// As run(), and adds the time of each step to `profile` (sized on first use).
  std::vector<ir::Tensor> run_profiled(std::span<const ir::Tensor> inputs, std::vector<StepProfile>& profile);

  /// As run(), and sets `trace` to one event per step of program(): when it ran, on which worker.
  /// Costs two clock reads per step.
  std::vector<ir::Tensor> run_traced(std::span<const ir::Tensor> inputs, std::vector<TraceEvent>& trace);

  /// Graph inputs with their concrete dims.
  const std::vector<IoInfo>& inputs() const { return inputs_; }
  /// Graph outputs with their dims (as decided at creation; -1 where only known after a run).
  const std::vector<IoInfo>& outputs() const { return outputs_; }
  /// Counts: kernels, conversions, folded nodes, arena size.
  const ProgramStats& stats() const { return program_.stats; }
  /// The compiled program (for tests and executors).
  const Program& program() const { return program_; }
  /// The graph being run.
  const ir::Graph& graph() const { return *graph_; }
  /// Worker threads the session runs on (1: serial).
  int workers() const { return executor_ ? executor_->workers() : 1; }

 private:
  void bind_inputs(std::span<const ir::Tensor> inputs);
  std::vector<ir::Tensor> collect_outputs() const;

  std::unique_ptr<ir::Graph> graph_;
  Program program_;
  std::shared_ptr<std::byte> arena_;
  std::vector<IoInfo> inputs_, outputs_;
  // Parallel execution (absent when serial).
  StaticSchedule static_schedule_;
  std::unique_ptr<ParallelExecutor> executor_;
};

}  // namespace ramiel::runtime
