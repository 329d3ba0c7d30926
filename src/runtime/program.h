#pragma once
/// \file
/// The compiled form of a model that executors run: physical tensors (slots), the steps that read
/// and write them (kernels and layout conversions, each belonging to one graph node), and the
/// arena buffers behind the slots. Built once by build_program(); a Session owns one.

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/kernel.h"

namespace ramiel::runtime {

/// Where a slot's bytes live.
enum class SlotStorage {
  kArena,     ///< A buffer of the session's arena (possibly shared with other slots over time).
  kConstant,  ///< A constant tensor owned by the program.
  kDynamic,   ///< Allocated by its kernel at every run (dims known only then).
};

/// One physical tensor: a value of the graph in one layout, or a conversion of it.
struct Slot {
  ir::ValueId value = ir::kNone;   ///< The graph value it holds.
  ir::DataType dtype = ir::DataType::kUndefined;  ///< Element type.
  ir::Dims dims;                   ///< Logical dims (NCHW order for images).
  Layout layout = Layout::kPlain;  ///< How the bytes are arranged.
  SlotStorage storage = SlotStorage::kArena;  ///< Where the bytes live.
  int buffer = -1;                 ///< Arena buffer (kArena), shared with the slots that alias it.
  int view_of = -1;                ///< Slot whose bytes this one aliases (a view output), or -1.
  size_t offset = 0;               ///< Byte offset into its buffer (an input that its producer writes into a Concat's output).
  ir::Tensor tensor;               ///< Bound storage with logical dims (after allocation / each run for kDynamic).
};

/// One kernel invocation. Layout conversions are steps too; each step belongs to a graph node (a
/// conversion of a node's output belongs to that node; those of graph inputs form the prologue).
struct Step {
  ir::NodeId node = ir::kNone;      ///< Owning node.
  std::string op;                   ///< Op type, or "LayoutConversion".
  std::unique_ptr<Kernel> kernel;   ///< The prepared kernel.
  std::vector<int> inputs;          ///< Slot per kernel input (-1 for an omitted optional input).
  std::vector<int> outputs;         ///< Slot per kernel output.
  std::vector<bool> physical;       ///< Per input then output: the kernel sees physical dims (runtime::physical_dims).
  SliceSpec slice;                  ///< Which part of the node's output the kernel computes (whole unless split).
  bool skip = false;                ///< Every output is a view: nothing to run.
  std::vector<ir::Tensor> in;       ///< Tensors handed to run() (bound at allocation).
  std::vector<ir::Tensor> out;      ///< Tensors handed to run() (bound at allocation).
};

/// One arena buffer and the steps that use it (for the memory planner). Step ids: 0 = the
/// session copying inputs in, s + 1 = steps[s], steps.size() + 1 = the session copying outputs out.
struct BufferUse {
  size_t bytes = 0;                 ///< Size in bytes.
  int writer = 0;                   ///< Step id that writes it (the first slice of a split node).
  std::vector<int> readers;         ///< Step ids that read it (through any aliasing slot).
  std::vector<int> co_writers;      ///< The other slices of a split node, which write the rest.
};

/// Counts reported by `ramiel run` and tests.
struct ProgramStats {
  size_t kernels = 0;            ///< Steps that run an operator kernel.
  size_t views = 0;              ///< Steps skipped because their outputs alias inputs.
  size_t conversions = 0;        ///< Layout conversion steps.
  size_t folded_nodes = 0;       ///< Nodes evaluated once at creation (constant inputs).
  size_t fused_activations = 0;  ///< Relu nodes fused into the Conv before them (now views).
  size_t fused_biases = 0;       ///< Bias Adds fused into the MatMul before them (now views).
  size_t fused_residuals = 0;    ///< Residual Adds fused into the Conv before them (now views).
  size_t fused_layer_norms = 0;  ///< LayerNormalizations exported as 8-9 elementwise ops, now one kernel each.
  size_t fused_transposes = 0;   ///< Transposes before or after a MatMul that it reads or writes through strides instead.
  size_t fused_scales = 0;       ///< Div or Mul by a scalar after a MatMul, applied by it (now views).
  size_t concats_in_place = 0;   ///< Concats whose inputs are written straight into their output (now views).
  size_t layout_slots = 0;       ///< Activations kept in the activation layout (NHWC or blocked).
  size_t arena_bytes = 0;        ///< Arena size after planning.
  size_t unshared_bytes = 0;     ///< Sum of buffer sizes (what the arena would be without reuse).
};

/// The compiled model.
struct Program {
  std::vector<Slot> slots;               ///< All physical tensors.
  std::vector<Step> steps;               ///< In a valid serial order.
  std::vector<Step> prologue;            ///< Layout conversions of graph inputs, run as the inputs are copied in.
  std::vector<BufferUse> buffers;        ///< Arena buffers.
  std::vector<int> input_slots;          ///< Slot of each graph input (plain, arena).
  std::vector<int> output_slots;         ///< Slot of each graph output (plain).
  std::vector<std::vector<std::pair<int, int>>> dynamic_consumers;  ///< Per slot: (step, input) fed by a dynamic slot.
  ProgramStats stats;                    ///< Counts.
  Layout activation_layout = Layout::kPlain;  ///< Layout of rank-4 activations between layout-aware ops.
  std::deque<ir::Tensor> constants;      ///< Tensors handed to kernels as TensorInfo::constant (stable addresses).
  std::vector<std::unique_ptr<ir::Node>> owned_nodes;  ///< Node copies with remapped attributes (NHWC).
  std::map<ir::NodeId, int> split_nodes;  ///< Nodes whose kernel runs as slices: node -> slice count.
};

/// Choices for build_program().
struct BuildOptions {
  /// Layout of rank-4 activations between layout-aware ops (kPlain: keep everything plain).
  Layout activation_layout = Layout::kPlain;
  bool fold_constants = true;                ///< Evaluate all-constant nodes once.
  std::map<std::string, ir::Dims> input_dims;  ///< Dims for graph inputs with symbolic dims.
  int threads = 1;                           ///< KernelInit::threads for every kernel.
  /// Fuse a Relu, constant Clip or residual Add into the Conv before it, a bias Add or exported GELU
  /// chain into the MatMul before it (the fused nodes become views), and an exported LayerNorm
  /// chain into one LayerNormalization kernel (its other nodes run no step).
  bool fuse_activations = true;
  /// Let the producers of a Concat's inputs write straight into their ranges of its output when
  /// each input is one contiguous range of it (batch 1; plain layout, or channels in whole blocks):
  /// the Concat copies nothing and becomes a view.
  bool concat_in_place = true;
  /// Nodes to split into slices (node -> count >= 2), each slice a step of its own that writes one
  /// part of the output. A node whose kernel cannot compute such slices runs whole (see
  /// Program::split_nodes for what was split).
  std::map<ir::NodeId, int> slices;
  /// The steps run one after another in program order (a serial session, or oneDNN's threading):
  /// then a residual Add may fuse into the later of its two producing Convs (ResNet's downsample
  /// blocks), not only into a Conv its other input is an ancestor of, as a parallel plan needs.
  bool serial_order = false;
};

/// Creates every kernel in topological order (propagating dtype, dims, constants and layouts),
/// folds all-constant nodes, inserts layout conversions and lists the arena buffers.
/// Throws ramiel::Error: kUnsupported listing every unsupported operator (with counts) before
/// creating any kernel; kernel errors are tagged with the node's name and op.
Program build_program(const ir::Graph& graph, const BuildOptions& options);

/// One line listing the operators of `graph` that have no kernel ("Foo (2), Bar (1)"), or "" if
/// every operator is supported.
std::string unsupported_operators(const ir::Graph& graph);

}  // namespace ramiel::runtime
