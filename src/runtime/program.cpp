#include "runtime/program.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <limits>
#include <optional>
#include <map>
#include <set>
#include <utility>

#include "ramiel/error.h"
#include "runtime/constant_folding.h"
#include "runtime/kernels/registry.h"
#include "runtime/kernels/thread_slices.h"
#include "runtime/kernels/window_geometry.h"
#include "runtime/layout.h"
#include "runtime/row_slicing.h"

namespace ramiel::runtime {
namespace {

// Elementwise outputs from this many elements on run as one band per thread in oneDNN-threaded
// programs (below it, waking the second thread costs about what it saves).
constexpr int64_t kThreadSlicedMinElements = int64_t{1} << 16;

size_t index_of(Layout l) { return static_cast<size_t>(l); }

std::string node_label(const ir::Node& node) { return "node '" + node.name + "' (" + node.op_type + ")"; }

// Re-throws `e` with the node named, unless the message already names it.
[[noreturn]] void rethrow_tagged(const Error& e, const ir::Node& node) {
  std::string msg = e.what();
  if (!node.name.empty() && msg.find("'" + node.name + "'") != std::string::npos) throw e;
  throw Error(e.kind(), node_label(node) + ": " + msg);
}

int64_t normalize_axis(int64_t axis, size_t rank) { return axis < 0 ? axis + static_cast<int64_t>(rank) : axis; }

class Builder {
 public:
  Builder(const ir::Graph& graph, const BuildOptions& options)
      : g_(graph), o_(options), active_(options.activation_layout), value_slots_(graph.values().size(), {-1, -1, -1, -1}) {
    p_.activation_layout = active_;
  }

  Program build() {
    if (std::string u = unsupported_operators(g_); !u.empty()) {
      throw Error(ErrorKind::kUnsupported, "unsupported operators: " + u);
    }
    for (const ir::Value& v : g_.values()) {
      if (v.constant && v.producer == ir::kNone) add_constant(v.id, *v.constant);
    }
    for (ir::ValueId id : g_.inputs()) add_graph_input(id);
    for (ir::NodeId n : g_.topological_order()) add_node(n);
    for (ir::ValueId id : g_.outputs()) {
      const ir::Value& v = g_.value(id);
      if (!known(id)) {
        throw Error(ErrorKind::kInvalidModel, "graph output '" + v.name + "' is never computed");
      }
      p_.output_slots.push_back(materialize(id, Layout::kPlain, v.producer));
    }
    finish();
    return std::move(p_);
  }

 private:
  int add_slot(Slot s) {
    p_.slots.push_back(std::move(s));
    return static_cast<int>(p_.slots.size() - 1);
  }

  int add_buffer(const Slot& s, int writer) {
    BufferUse b;
    b.bytes = static_cast<size_t>(ir::element_count(s.dims)) * ir::element_size(s.dtype);
    b.writer = writer;
    p_.buffers.push_back(b);
    return static_cast<int>(p_.buffers.size() - 1);
  }

  int add_constant(ir::ValueId id, const ir::Tensor& t, Layout layout = Layout::kPlain) {
    Slot s;
    s.value = id;
    s.dtype = t.dtype();
    s.dims = logical_dims(t.dims(), layout);
    s.layout = layout;
    s.storage = SlotStorage::kConstant;
    s.tensor = t.dims() == s.dims ? t : t.reshaped(s.dims);
    int slot = add_slot(std::move(s));
    if (id != ir::kNone) value_slots_[static_cast<size_t>(id)][index_of(layout)] = slot;
    return slot;
  }

  void add_graph_input(ir::ValueId id) {
    const ir::Value& v = g_.value(id);
    Slot s;
    s.value = id;
    s.dtype = v.dtype;
    if (auto it = o_.input_dims.find(v.name); it != o_.input_dims.end()) {
      s.dims = it->second;
    } else if (v.shape) {
      s.dims = *v.shape;
    } else {
      throw Error(ErrorKind::kInvalidArgument, "graph input '" + v.name + "' has no shape; give its dims");
    }
    if (v.shape && s.dims.size() != v.shape->size()) {
      throw Error(ErrorKind::kInvalidArgument, "input '" + v.name + "' has rank " + std::to_string(v.shape->size()) +
                                                   ", given dims " + ir::to_string(s.dims));
    }
    for (size_t i = 0; i < s.dims.size(); ++i) {
      if (s.dims[i] < 0) {
        throw Error(ErrorKind::kInvalidArgument, "graph input '" + v.name + "' has symbolic dims " + ir::to_string(s.dims) +
                                                     "; give concrete dims");
      }
      if (v.shape && (*v.shape)[i] >= 0 && (*v.shape)[i] != s.dims[i]) {
        throw Error(ErrorKind::kInvalidArgument, "input '" + v.name + "' has dims " + ir::to_string(*v.shape) +
                                                     ", given " + ir::to_string(s.dims));
      }
    }
    if (ir::element_size(s.dtype) == 0) {
      throw Error(ErrorKind::kUnsupported, "graph input '" + v.name + "' has element type " + std::string(ir::to_string(s.dtype)));
    }
    s.buffer = add_buffer(s, 0);
    int slot = add_slot(std::move(s));
    value_slots_[static_cast<size_t>(id)][index_of(Layout::kPlain)] = slot;
    p_.input_slots.push_back(slot);
  }

  // A slot of value `id` (plain if there is one), for dims and dtype.
  int any_slot_id(ir::ValueId id) const {
    for (int slot : value_slots_[static_cast<size_t>(id)])
      if (slot >= 0) return slot;
    return -1;
  }
  const Slot& any_slot(ir::ValueId id) const { return p_.slots[static_cast<size_t>(any_slot_id(id))]; }

  bool known(ir::ValueId id) const { return any_slot_id(id) >= 0; }

  // True if `id` exists in the session's activation layout (not plain).
  bool has_active(ir::ValueId id) const {
    return active_ != Layout::kPlain && value_slots_[static_cast<size_t>(id)][index_of(active_)] >= 0;
  }

  bool is_constant(ir::ValueId id) const { return any_slot(id).storage == SlotStorage::kConstant; }

  // The slot of `id` in `want` (plain when the layout is trivial or invalid for its dims),
  // converting if needed.
  int materialize(ir::ValueId id, Layout want, ir::NodeId consumer) {
    const Slot& any = any_slot(id);
    if (layout_is_trivial(any.dims) || !layout_valid(any.dims, want)) want = Layout::kPlain;
    auto& vs = value_slots_[static_cast<size_t>(id)];
    if (vs[index_of(want)] >= 0) return vs[index_of(want)];
    const int from = any_slot_id(id);
    const Slot src = p_.slots[static_cast<size_t>(from)];
    if (src.storage == SlotStorage::kConstant) {
      ir::Tensor t(src.dtype, src.dims);
      convert_layout(src.tensor.raw(), t.raw(), src.dims, ir::element_size(src.dtype), src.layout, want);
      return add_constant(id, t.reshaped(physical_dims(src.dims, want)), want);
    }
    if (src.storage == SlotStorage::kDynamic) {
      throw Error(ErrorKind::kUnsupported, "value '" + g_.value(id).name + "' has a dynamic shape and needs a layout change");
    }
    // A node's output is converted by a step of that node; a graph input by the prologue that
    // runs when the inputs are copied in (step id 0), shared by all its consumers.
    const bool is_input = g_.value(id).producer == ir::kNone;
    Step step;
    step.node = is_input ? consumer : g_.value(id).producer;
    step.op = "LayoutConversion";
    step.kernel = make_layout_conversion(src.dtype, src.dims, src.layout, want);
    step.inputs = {from};
    Slot out;
    out.value = id;
    out.dtype = src.dtype;
    out.dims = src.dims;
    out.layout = want;
    out.buffer = add_buffer(out, is_input ? 0 : static_cast<int>(p_.steps.size()) + 1);
    int slot = add_slot(std::move(out));
    step.outputs = {slot};
    step.physical = {false, false};
    if (is_input) {
      p_.prologue.push_back(std::move(step));
    } else {
      p_.steps.push_back(std::move(step));
    }
    ++p_.stats.conversions;
    vs[index_of(want)] = slot;
    return slot;
  }

  int64_t opset_of(const ir::Node& node) const {
    auto it = g_.opsets.find(node.domain == "ai.onnx" ? "" : node.domain);
    return it != g_.opsets.end() ? it->second : 13;
  }

  void fold(const ir::Node& node) {
    std::vector<ir::Tensor> inputs;
    for (ir::ValueId v : node.inputs) inputs.push_back(v == ir::kNone ? ir::Tensor() : any_slot(v).tensor);
    std::vector<ir::Tensor> outs;
    try {
      outs = evaluate_node(node, inputs, opset_of(node));
    } catch (const Error& e) {
      rethrow_tagged(e, node);
    }
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      if (node.outputs[i] == ir::kNone) continue;
      if (i >= outs.size() || (outs[i].raw() == nullptr && outs[i].size() != 0)) {
        throw Error(ErrorKind::kInternal, node_label(node) + ": constant evaluation gave no output " + std::to_string(i));
      }
      add_constant(node.outputs[i], outs[i]);
    }
    ++p_.stats.folded_nodes;
  }

  static bool is_data_input(const ir::Node& node, size_t i) {
    return !((node.op_type == "Pad" && i >= 1) || (node.op_type == "Split" && i == 1));
  }

  // Decides whether a permutable node runs on data in the activation layout, and checks its
  // non-data inputs.
  bool can_permute(const ir::Node& node) const {
    const int64_t block = channel_block(active_);
    bool any_active = false;
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      ir::ValueId v = node.inputs[i];
      if (v == ir::kNone || !is_data_input(node, i)) continue;
      const Slot& s = any_slot(v);
      if (s.storage == SlotStorage::kDynamic) return false;
      if (s.dims.size() != 4) {
        if (s.dims.size() < 4 && ir::element_count(s.dims) == 1) continue;  // broadcast scalar
        return false;
      }
      // Blocked data must have whole blocks (C == 1 broadcasts as [N,1,H,W,1]).
      if (!layout_valid(s.dims, active_) && s.dims[1] != 1) return false;
      if (has_active(v) && !layout_is_trivial(s.dims)) any_active = true;
    }
    if (!any_active) return false;
    if (node.op_type == "Concat" || node.op_type == "Split") {
      const int64_t axis = normalize_axis(node.attr_int("axis", 0), 4);
      if (block != 0 && axis == 1) {
        if (node.op_type == "Split") return false;  // split sizes would need remapping to blocks
        for (ir::ValueId v : node.inputs)
          if (v != ir::kNone && !layout_valid(any_slot(v).dims, active_)) return false;
      }
    }
    if (node.op_type == "Pad") {
      std::vector<int64_t> pads;
      if (node.inputs.size() > 3 && node.inputs[3] != ir::kNone) return false;  // axes
      if (node.inputs.size() > 1 && node.inputs[1] != ir::kNone) {
        if (!is_constant(node.inputs[1]) || any_slot(node.inputs[1]).tensor.size() != 8) return false;
        for (int64_t i = 0; i < 8; ++i) pads.push_back(ir::element_as_int64(any_slot(node.inputs[1]).tensor, i));
      } else {
        pads = node.attr_ints("pads");
        if (pads.size() != 8) return false;
      }
      if (block != 0 && (pads[1] != 0 || pads[5] != 0)) return false;  // no padding inside blocks
    }
    return true;
  }

  // A copy of `node` with axis attributes remapped for the activation layout, kept alive by the program.
  const ir::Node& permuted_node(const ir::Node& node) {
    if (node.op_type != "Concat" && node.op_type != "Split" && node.op_type != "Pad") return node;
    auto copy = std::make_unique<ir::Node>(node);
    if (node.op_type == "Concat" || node.op_type == "Split") {
      int64_t axis = normalize_axis(node.attr_int("axis", 0), 4);
      copy->attributes["axis"].type = ir::Attribute::Type::kInt;
      copy->attributes["axis"].i = physical_axis(axis, active_);
    } else if (node.attr_ints("pads").size() == 8) {
      copy->attributes["pads"].ints = permute_pads(node.attr_ints("pads"), active_);
    }
    owned_nodes_.push_back(std::move(copy));
    return *owned_nodes_.back();
  }

  // ONNX pads (begins then ends) of a rank-4 tensor, for its physical dims in `layout`.
  static std::vector<int64_t> permute_pads(const std::vector<int64_t>& pads, Layout layout) {
    const std::vector<int> axes = physical_axes(layout);
    const size_t p = axes.size();
    std::vector<int64_t> out(2 * p, 0);
    for (size_t i = 0; i < p; ++i) {
      if (axes[i] < 0) continue;
      out[i] = pads[static_cast<size_t>(axes[i])];
      out[p + i] = pads[4 + static_cast<size_t>(axes[i])];
    }
    return out;
  }

  void add_node(ir::NodeId n) {
    if (absorbed_.count(n)) return;  // part of a fused LayerNormalization, computed by its last node
    if (o_.fuse_activations && g_.node(n).op_type == "ReduceMean" && fuse_layer_norm(g_.node(n))) return;
    if (o_.fuse_activations && g_.node(n).op_type == "Transpose" && fuse_transpose_into_matmul(g_.node(n))) return;
    const auto replaced = replaced_.find(n);
    const ir::Node& node = replaced != replaced_.end() ? *replaced->second : g_.node(n);
    for (ir::ValueId v : node.inputs) {
      if (v != ir::kNone && !known(v)) {
        throw Error(ErrorKind::kInvalidModel, node_label(node) + ": input '" + g_.value(v).name + "' is never computed");
      }
    }
    bool all_constant = std::all_of(node.inputs.begin(), node.inputs.end(),
                                    [&](ir::ValueId v) { return v == ir::kNone || is_constant(v); });
    if (o_.fold_constants && all_constant && is_foldable(node)) {
      fold(node);
      return;
    }

    // Layout decision.
    const LayoutRole role = active_ != Layout::kPlain ? layout_role(node.op_type) : LayoutRole::kPlainOnly;
    std::vector<Layout> want(node.inputs.size(), Layout::kPlain);
    Layout out_layout = Layout::kPlain;
    bool permuted = false;
    if (role == LayoutRole::kAware && !node.inputs.empty() && node.inputs[0] != ir::kNone) {
      const Slot& x = any_slot(node.inputs[0]);
      if (x.dims.size() == 4 && x.storage != SlotStorage::kDynamic) {
        if (node.op_type == "Conv") {
          // A small-channel plain input (an image) stays plain: blocked or NHWC 3-channel
          // convolutions fall back to slow reference code.
          want[0] = has_active(node.inputs[0]) || x.dims[1] > kImageChannels ? active_ : Layout::kPlain;
          out_layout = active_;
        } else {
          want[0] = has_active(node.inputs[0]) ? active_ : Layout::kPlain;
          out_layout = node.op_type.starts_with("Global") ? Layout::kPlain : want[0];
        }
      }
    } else if (role == LayoutRole::kPermutable && can_permute(node)) {
      permuted = true;
      out_layout = active_;
      for (size_t i = 0; i < node.inputs.size(); ++i) {
        if (node.inputs[i] != ir::kNone && any_slot(node.inputs[i]).dims.size() == 4 && is_data_input(node, i)) {
          want[i] = active_;
        }
      }
    }

    std::vector<int> in_slots(node.inputs.size(), -1);
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      if (node.inputs[i] != ir::kNone) in_slots[i] = materialize(node.inputs[i], want[i], n);
    }
    const auto fused_it = fused_.find(n);
    const bool fused = fused_it != fused_.end();  // applied by its producer: a view of its output
    if (fused) in_slots = {in_slots[fused_it->second]};
    if (permuted && node.op_type == "Pad" && node.inputs.size() > 1 && node.inputs[1] != ir::kNone) {
      const ir::Tensor& pads = p_.slots[static_cast<size_t>(in_slots[1])].tensor;
      std::vector<int64_t> v(8);
      for (int64_t i = 0; i < 8; ++i) v[static_cast<size_t>(i)] = ir::element_as_int64(pads, i);
      std::vector<int64_t> phys = permute_pads(v, active_);
      const int64_t count = static_cast<int64_t>(phys.size());
      in_slots[1] = add_constant(ir::kNone, ir::Tensor::from(ir::DataType::kInt64, {count}, phys));
    }

    const ir::Node& kernel_node = permuted ? permuted_node(node) : node;
    KernelInit init{kernel_node, {}, opset_of(node), o_.threads, out_layout};
    if (o_.fuse_activations && node.op_type == "Conv") {
      std::optional<Residual> residual;
      std::optional<Activation> act = fusable_activation(node);
      if (!act && out_layout != Layout::kPlain && want[0] == active_ && (residual = fusable_residual(node))) {
        fused_[residual->add] = residual->input;
        ++p_.stats.fused_residuals;
        in_slots.resize(3, -1);  // the residual is input 3, after an absent bias if need be
        in_slots.push_back(materialize(residual->value, active_, n));
        init.add_residual = true;
        act = residual->relu != ir::kNone ? std::optional<Activation>(Activation{residual->relu, FusedActivation::kRelu, 0, 0}) : std::nullopt;
      }
      if (act) {
        init.activation = act->kind;
        init.clip_min = act->min;
        init.clip_max = act->max;
        fused_[act->node] = 0;
        ++p_.stats.fused_activations;
      }
    }
    if (o_.fuse_activations && node.op_type == "MatMul" && node.outputs.size() == 1) {
      ir::ValueId result = node.outputs[0];
      const auto perms = matmul_perms_.find(n);
      if (perms != matmul_perms_.end()) init.input_perms = perms->second;
      if (auto bias = perms == matmul_perms_.end() ? fusable_bias(node) : std::nullopt) {
        init.bias = bias->values;
        fused_[bias->node] = bias->input;
        ++p_.stats.fused_biases;
        result = g_.node(bias->node).outputs[0];
      }
      if (auto gelu = fusable_gelu(result)) {
        init.activation = FusedActivation::kGeluErf;
        for (const auto& [chain_node, input] : *gelu) fused_[chain_node] = input;
        ++p_.stats.fused_activations;
      } else {
        fuse_after_matmul(node, init.input_perms, result, init);
      }
    }
    Step step;
    step.node = n;
    step.op = node.op_type;
    step.inputs = in_slots;
    for (size_t i = 0; i < in_slots.size(); ++i) {
      TensorInfo info;
      bool phys = false;
      if (in_slots[i] >= 0) {
        const Slot& s = p_.slots[static_cast<size_t>(in_slots[i])];
        info.dtype = s.dtype;
        phys = permuted && s.dims.size() == 4 && is_data_input(node, i);
        info.dims = phys ? physical_dims(s.dims, active_) : s.dims;
        info.dynamic = s.storage == SlotStorage::kDynamic;
        info.layout = role == LayoutRole::kAware ? s.layout : Layout::kPlain;
        if (s.storage == SlotStorage::kConstant) {
          p_.constants.push_back(phys ? s.tensor.reshaped(info.dims) : s.tensor);
          info.constant = &p_.constants.back();
        }
      }
      step.physical.push_back(phys);
      init.inputs.push_back(info);
    }

    std::unique_ptr<Kernel> kernel;
    std::vector<std::unique_ptr<Kernel>> slices = fused ? std::vector<std::unique_ptr<Kernel>>{} : create_slices(node, init);
    try {
      if (fused) {  // its producer applied it: a view of the producer's output (a Clip's bounds are not read)
        KernelInit view = init;
        view.inputs.resize(1);
        kernel = find_kernel("Identity", "")(view);
      } else {
        kernel = slices.empty() ? find_kernel(node.op_type, node.domain)(init) : std::move(slices.front());
        if (slices.empty()) kernel = thread_sliced_elementwise(node, init, std::move(kernel));
      }
    } catch (const Error& e) {
      rethrow_tagged(e, node);
    }
    const int step_id = static_cast<int>(p_.steps.size()) + 1;
    const auto& infos = kernel->output_infos();
    bool all_views = !infos.empty(), all_constant_out = !infos.empty();
    for (size_t i = 0; i < infos.size(); ++i) {
      const TensorInfo& info = infos[i];
      const ir::ValueId v = i < node.outputs.size() ? node.outputs[i] : ir::kNone;
      const bool phys = permuted && info.dims.size() == physical_dims({1, 1, 1, 1}, active_).size();
      Slot s;
      s.value = v;
      s.dtype = info.dtype;
      s.dims = phys ? logical_dims(info.dims, active_) : info.dims;
      s.layout = phys ? active_ : (role == LayoutRole::kAware ? info.layout : Layout::kPlain);
      if (!layout_valid(s.dims, s.layout)) {
        throw Error(ErrorKind::kInternal, node_label(node) + ": output " + ir::to_string(s.dims) + " cannot be " +
                                              std::string(to_string(s.layout)));
      }
      if (layout_is_trivial(s.dims)) s.layout = Layout::kPlain;
      step.physical.push_back(phys);
      const int view = kernel->view_of_input(i);
      if (info.constant == nullptr) all_constant_out = false;
      if (view < 0) all_views = false;
      if (info.constant != nullptr) {
        int slot = add_constant(ir::kNone, info.constant->clone(), Layout::kPlain);
        Slot& c = p_.slots[static_cast<size_t>(slot)];
        c.value = v;
        c.dims = s.dims;
        c.layout = s.layout;
        c.tensor = c.tensor.reshaped(s.dims);
        step.outputs.push_back(slot);
        if (v != ir::kNone) value_slots_[static_cast<size_t>(v)][index_of(s.layout)] = slot;
        continue;
      }
      if (view >= 0) {
        const Slot& src = p_.slots[static_cast<size_t>(in_slots.at(static_cast<size_t>(view)))];
        if (src.storage == SlotStorage::kDynamic || info.dynamic) {
          throw Error(ErrorKind::kUnsupported, node_label(node) + ": a view of a dynamically shaped value");
        }
        s.storage = src.storage;
        s.buffer = src.buffer;
        s.view_of = in_slots[static_cast<size_t>(view)];
        if (src.storage == SlotStorage::kConstant) s.tensor = src.tensor.reshaped(s.dims);
      } else if (info.dynamic) {
        s.storage = SlotStorage::kDynamic;
      } else {
        for (int64_t d : s.dims) {
          if (d < 0) throw Error(ErrorKind::kInternal, node_label(node) + ": kernel gave output dims " + ir::to_string(s.dims));
        }
        s.buffer = add_buffer(s, step_id);
        for (size_t k = 1; k < slices.size(); ++k) {
          p_.buffers[static_cast<size_t>(s.buffer)].co_writers.push_back(step_id + static_cast<int>(k));
        }
      }
      int slot = add_slot(std::move(s));
      step.outputs.push_back(slot);
      if (v != ir::kNone) value_slots_[static_cast<size_t>(v)][index_of(p_.slots[static_cast<size_t>(slot)].layout)] = slot;
    }
    if (all_constant_out) {  // e.g. Shape: known at creation, nothing to run
      ++p_.stats.folded_nodes;
      return;
    }
    step.skip = all_views;
    if (all_views) {
      ++p_.stats.views;
    } else {
      ++p_.stats.kernels;
    }
    step.kernel = std::move(kernel);
    if (slices.empty()) {
      p_.steps.push_back(std::move(step));
      if (o_.concat_in_place && node.op_type == "Concat" && !all_views) place_concat_inputs(p_.steps.back(), kernel_node);
      return;
    }
    // One step per slice: same operands, each kernel writing its own part of the output.
    const int count = static_cast<int>(slices.size());
    p_.split_nodes[n] = count;
    for (int k = 0; k < count; ++k) {
      Step part;
      part.node = step.node;
      part.op = step.op;
      part.inputs = step.inputs;
      part.outputs = step.outputs;
      part.physical = step.physical;
      part.slice = SliceSpec{k, count};
      part.kernel = k == 0 ? std::move(step.kernel) : std::move(slices[static_cast<size_t>(k)]);
      p_.steps.push_back(std::move(part));
    }
    p_.stats.kernels += static_cast<size_t>(count - 1);
  }

  // A Concat whose inputs are each one contiguous range of its output (nothing before the axis
  // but a batch of 1, in the plain or a blocked layout) needs no copy: each input's buffer moves
  // into its range of the output's buffer, so that its producer writes there, and the Concat step
  // becomes a view. The merged buffer is live from the first producer to the last reader of any
  // part (the producers become co-writers, every part's readers its readers). Needs every input
  // in an arena buffer of its own (not a graph input, constant, dynamic or repeated value, and not
  // already placed in another Concat).
  void place_concat_inputs(Step& step, const ir::Node& kernel_node) {
    if (step.outputs.size() != 1 || step.inputs.empty()) return;
    const Slot& out = p_.slots[static_cast<size_t>(step.outputs[0])];
    if (out.storage != SlotStorage::kArena || out.view_of >= 0 || out.buffer < 0 || out.offset != 0) return;
    const ir::Dims dims = step.physical[step.inputs.size()] ? physical_dims(out.dims, out.layout) : out.dims;
    const int64_t axis = normalize_axis(kernel_node.attr_int("axis", 0), dims.size());
    if (axis < 0 || axis >= static_cast<int64_t>(dims.size())) return;
    for (int64_t k = 0; k < axis; ++k) {
      if (dims[static_cast<size_t>(k)] != 1) return;  // each input would be several ranges
    }
    const int whole = out.buffer;
    std::vector<int> parts;
    size_t bytes = 0;
    for (int in : step.inputs) {
      if (in < 0) return;
      const Slot& s = p_.slots[static_cast<size_t>(in)];
      if (s.storage != SlotStorage::kArena || s.buffer < 0 || s.buffer == whole) return;
      const BufferUse& b = p_.buffers[static_cast<size_t>(s.buffer)];
      const size_t slot_bytes = static_cast<size_t>(ir::element_count(s.dims)) * ir::element_size(s.dtype);
      if (b.writer == 0 || b.bytes == 0 || b.bytes != slot_bytes) return;
      if (std::find(parts.begin(), parts.end(), s.buffer) != parts.end()) return;
      parts.push_back(s.buffer);
      bytes += b.bytes;
    }
    if (bytes != p_.buffers[static_cast<size_t>(whole)].bytes) return;
    size_t offset = 0;
    for (int part : parts) {
      BufferUse moved = std::exchange(p_.buffers[static_cast<size_t>(part)], BufferUse{});
      for (Slot& s : p_.slots) {
        if (s.buffer != part) continue;
        s.buffer = whole;
        if (s.view_of < 0) s.offset += offset;  // views follow their base slot
      }
      BufferUse& merged = p_.buffers[static_cast<size_t>(whole)];
      merged.co_writers.push_back(moved.writer);
      merged.co_writers.insert(merged.co_writers.end(), moved.co_writers.begin(), moved.co_writers.end());
      offset += moved.bytes;
    }
    step.skip = true;
    --p_.stats.kernels;
    ++p_.stats.views;
    ++p_.stats.concats_in_place;
  }

  struct Bias {
    ir::NodeId node;            // the Add
    size_t input;               // which of its inputs is the MatMul's output
    const ir::Tensor* values;   // the constant added along the last dim
  };

  // The Add of a float constant along the last dim (a bias: [N] or [1,...,1,N]) that is the only
  // consumer of `matmul`'s output (not a graph output, rank <= 3 so that it stays plain), if any.
  std::optional<Bias> fusable_bias(const ir::Node& matmul) {
    if (matmul.outputs.size() != 1 || matmul.inputs.size() != 2) return std::nullopt;
    size_t rank = 0;
    for (ir::ValueId operand : matmul.inputs) {  // a 1-D operand drops a dim of Y
      if (operand == ir::kNone || any_slot(operand).dims.size() < 2) return std::nullopt;
      rank = std::max(rank, any_slot(operand).dims.size());
    }
    const int64_t n = any_slot(matmul.inputs[1]).dims.back();
    const ir::Value& y = g_.value(matmul.outputs[0]);
    if (y.is_graph_output || y.consumers.size() != 1 || rank > 3) return std::nullopt;
    const ir::Node& add = g_.node(y.consumers[0]);
    if (add.removed || add.op_type != "Add" || !add.domain.empty() || add.inputs.size() != 2 || add.outputs.size() != 1) return std::nullopt;
    if ((add.inputs[0] == y.id) == (add.inputs[1] == y.id)) return std::nullopt;  // y + y, or y not an input
    const size_t input = add.inputs[0] == y.id ? 0 : 1;
    const ir::Value& b = g_.value(add.inputs[1 - input]);
    if (!b.constant || b.constant->dtype() != ir::DataType::kFloat32 || b.constant->rank() > rank) return std::nullopt;
    const ir::Dims& bd = b.constant->dims();
    for (size_t i = 0; i + 1 < bd.size(); ++i) {
      if (bd[i] != 1) return std::nullopt;
    }
    if (bd.empty() || bd.back() != n) return std::nullopt;
    return Bias{add.id, input, &*b.constant};
  }

  // If `transpose` (rank >= 3) is read only by a MatMul: marks it absorbed and replaces the MatMul
  // by one reading the Transpose's input through the permutation (strides). Also when the options
  // split the MatMul: it then runs whole (its kernel refuses slices of strided operands), with the
  // serial run's bits, where unfused slices would run another oneDNN kernel (gemm:jit on AVX2).
  bool fuse_transpose_into_matmul(const ir::Node& transpose) {
    if (!transpose.domain.empty() || transpose.inputs.size() != 1 || transpose.outputs.size() != 1 || is_sliced(transpose.id)) return false;
    if (fused_.count(transpose.id)) return false;  // written transposed by the MatMul before it
    const ir::ValueId x = transpose.inputs[0];
    if (x == ir::kNone || !known(x)) return false;
    const Slot& xs = any_slot(x);
    if (xs.dtype != ir::DataType::kFloat32 || xs.storage != SlotStorage::kArena || xs.dims.size() < 3) return false;
    const ir::Node* matmul = only_consumer(transpose.outputs[0]);
    if (matmul == nullptr || matmul->op_type != "MatMul" || matmul->inputs.size() != 2) return false;
    const ir::ValueId t = transpose.outputs[0];
    if ((matmul->inputs[0] == t) == (matmul->inputs[1] == t)) return false;
    const size_t operand = matmul->inputs[0] == t ? 0 : 1;
    std::optional<std::vector<int64_t>> perm = transpose_perm(transpose, xs.dims.size());
    if (!perm) return false;  // the Transpose kernel reports it
    const auto replaced = replaced_.find(matmul->id);
    auto reading = std::make_unique<ir::Node>(replaced != replaced_.end() ? *replaced->second : *matmul);
    reading->inputs[operand] = x;
    auto& perms = matmul_perms_[matmul->id];
    perms.resize(2);
    perms[operand] = std::move(*perm);
    absorbed_.insert(transpose.id);
    replaced_[matmul->id] = reading.get();
    owned_nodes_.push_back(std::move(reading));
    ++p_.stats.fused_transposes;
    return true;
  }

  // The permutation of a Transpose of a rank-`rank` tensor (reversed dims by default), or nullopt
  // if its "perm" is not a permutation of that many axes.
  static std::optional<std::vector<int64_t>> transpose_perm(const ir::Node& transpose, size_t rank) {
    std::vector<int64_t> perm = transpose.attr_ints("perm");
    if (perm.empty()) {
      for (size_t d = rank; d-- > 0;) perm.push_back(static_cast<int64_t>(d));
    }
    std::vector<int64_t> sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    for (size_t d = 0; d < sorted.size(); ++d) {
      if (sorted.size() != rank || sorted[d] != static_cast<int64_t>(d)) return std::nullopt;
    }
    return perm;
  }

  // True if the options split `node` into slices.
  bool is_sliced(ir::NodeId node) const {
    const auto it = o_.slices.find(node);
    return it != o_.slices.end() && it->second > 1;
  }

  // Y's dims of a MatMul of `node`'s operands (as their slots give them, through `perms`), or empty
  // if they are not all static.
  ir::Dims matmul_output_dims(const ir::Node& node, const std::vector<std::vector<int64_t>>& perms) const {
    ir::Dims operand[2];
    for (size_t i = 0; i < 2; ++i) {
      if (!known(node.inputs[i]) || any_slot(node.inputs[i]).storage == SlotStorage::kDynamic) return {};
      const ir::Dims& d = any_slot(node.inputs[i]).dims;
      if (d.size() < 2) return {};
      if (i < perms.size() && !perms[i].empty()) {
        for (int64_t p : perms[i]) operand[i].push_back(d[static_cast<size_t>(p)]);
      } else {
        operand[i] = d;
      }
    }
    const size_t rank = std::max(operand[0].size(), operand[1].size());
    for (ir::Dims& d : operand) d.insert(d.begin(), rank - d.size(), 1);
    ir::Dims y(rank);
    for (size_t d = 0; d + 2 < rank; ++d) y[d] = std::max(operand[0][d], operand[1][d]);
    y[rank - 2] = operand[0][rank - 2];
    y[rank - 1] = operand[1][rank - 1];
    return y;
  }

  // After a MatMul `node` (no GELU) whose result so far is `result`: fuses a Div or Mul by a
  // float scalar (init.output_scale, attention's 1/sqrt(d)), or, with nothing else fused, a
  // Transpose after it (init.output_perm). (An Add after it, attention's mask as a oneDNN binary
  // post-op, measured no faster on BERT: 69.5-72.5 ms at two threads against 71.7-73.7 without.)
  void fuse_after_matmul(const ir::Node& node, const std::vector<std::vector<int64_t>>& perms, ir::ValueId result, KernelInit& init) {
    const ir::Dims y = matmul_output_dims(node, perms);
    if (y.size() < 2) return;
    const ir::Node* next = only_consumer(result);
    if (next != nullptr && result == node.outputs[0] && next->op_type == "Transpose" && next->inputs.size() == 1) {
      fuse_output_transpose(*next, y, init);
      return;
    }
    if (next == nullptr || next->inputs.size() != 2) return;
    if ((next->op_type == "Div" || next->op_type == "Mul") && next->inputs[0] == result && next->inputs[1] != result) {
      const ir::Value& c = g_.value(next->inputs[1]);
      const float v = c.constant && c.constant->dtype() == ir::DataType::kFloat32 && c.constant->size() == 1 ? c.constant->data<float>()[0] : 0.0f;
      if (v == 0.0f || !std::isfinite(v)) return;
      init.output_scale = next->op_type == "Div" ? 1.0f / v : v;
      fused_[next->id] = 0;
      ++p_.stats.fused_scales;
    }
  }

  // A Transpose after a MatMul of output dims `y`, written by the MatMul through strides.
  void fuse_output_transpose(const ir::Node& transpose, const ir::Dims& y, KernelInit& init) {
    if (!transpose.domain.empty() || transpose.outputs.size() != 1 || y.size() < 3 || is_sliced(transpose.id)) return;
    std::optional<std::vector<int64_t>> perm = transpose_perm(transpose, y.size());
    if (!perm) return;
    init.output_perm = std::move(*perm);
    fused_[transpose.id] = 0;
    ++p_.stats.fused_transposes;
  }

  // The axes of a ReduceMean that keeps its dims (attribute, or constant input from opset 18), or
  // nullopt if they are not known.
  std::optional<std::vector<int64_t>> mean_axes(const ir::Node& mean) const {
    if (mean.op_type != "ReduceMean" || mean.attr_int("keepdims", 1) != 1 || mean.inputs.empty()) return std::nullopt;
    if (mean.inputs.size() < 2 || mean.inputs[1] == ir::kNone) return mean.attr_ints("axes");
    const ir::Value& axes = g_.value(mean.inputs[1]);
    if (!axes.constant) return std::nullopt;
    std::vector<int64_t> out;
    for (int64_t i = 0; i < axes.constant->size(); ++i) out.push_back(ir::element_as_int64(*axes.constant, i));
    return out;
  }

  // If `mean` starts LayerNormalization exported as elementwise ops over the last dim of x (PyTorch's
  // nn.LayerNorm before opset 17): d = Sub(x, ReduceMean(x)); Add(Mul(Div(d, Sqrt(Add(ReduceMean(
  // Pow(d, 2)), eps))), gamma), beta), every intermediate read only inside the chain and gamma and
  // beta constants of one value per element of that dim: marks the chain's nodes absorbed and its
  // last node (the Add, or the Mul when there is no beta) replaced by one LayerNormalization of
  // x, gamma and beta, and returns true. False (nothing marked) otherwise.
  bool fuse_layer_norm(const ir::Node& mean) {
    const ir::ValueId x = mean.inputs.empty() ? ir::kNone : mean.inputs[0];
    if (x == ir::kNone || mean.outputs.size() != 1 || !mean.domain.empty() || !known(x)) return false;
    const Slot& xs = any_slot(x);
    if (xs.dtype != ir::DataType::kFloat32 || xs.storage == SlotStorage::kDynamic || xs.dims.empty()) return false;
    const auto last_axis = static_cast<int64_t>(xs.dims.size()) - 1;
    auto over_last_dim = [&](const ir::Node& node) {
      const std::optional<std::vector<int64_t>> axes = mean_axes(node);
      return axes && axes->size() == 1 && ((*axes)[0] == -1 || (*axes)[0] == last_axis);
    };
    auto per_element = [&](ir::ValueId v) {  // a float constant [C] for the last dim
      const ir::Value& value = g_.value(v);
      return value.constant && value.constant->dtype() == ir::DataType::kFloat32 && value.constant->dims() == ir::Dims{xs.dims.back()};
    };
    auto other_input = [](const ir::Node& node, ir::ValueId v) { return node.inputs[0] == v ? node.inputs[1] : node.inputs[0]; };
    if (!over_last_dim(mean)) return false;
    const ir::Node* sub = only_consumer(mean.outputs[0]);
    if (sub == nullptr || sub->op_type != "Sub" || sub->inputs.size() != 2 || sub->inputs[0] != x || sub->inputs[1] != mean.outputs[0]) return false;
    const ir::Value& d = g_.value(sub->outputs[0]);
    if (d.is_graph_output || d.consumers.size() != 2) return false;
    const ir::Node* pow = nullptr;
    const ir::Node* div = nullptr;
    for (ir::NodeId c : d.consumers) {
      const ir::Node& node = g_.node(c);
      if (node.removed || !node.domain.empty() || node.inputs.size() != 2 || node.inputs[0] != d.id || node.outputs.size() != 1) return false;
      if (node.op_type == "Pow" && is_scalar(node.inputs[1], 2.0)) pow = &node;
      if (node.op_type == "Div") div = &node;
    }
    if (pow == nullptr || div == nullptr) return false;
    const ir::Node* var = only_consumer(pow->outputs[0]);
    if (var == nullptr || var->inputs[0] != pow->outputs[0] || !over_last_dim(*var)) return false;
    const ir::Node* add_eps = only_consumer(var->outputs[0]);
    if (add_eps == nullptr || add_eps->op_type != "Add" || add_eps->inputs.size() != 2) return false;
    const ir::Value& eps = g_.value(other_input(*add_eps, var->outputs[0]));
    if (!eps.constant || eps.constant->dtype() != ir::DataType::kFloat32 || eps.constant->size() != 1) return false;
    const ir::Node* sqrt = only_consumer(add_eps->outputs[0]);
    if (sqrt == nullptr || sqrt->op_type != "Sqrt" || only_consumer(sqrt->outputs[0]) != div || div->inputs[1] != sqrt->outputs[0]) return false;
    const ir::Node* mul = only_consumer(div->outputs[0]);
    if (mul == nullptr || mul->op_type != "Mul" || mul->inputs.size() != 2 || !per_element(other_input(*mul, div->outputs[0]))) return false;
    const ir::Node* add = only_consumer(mul->outputs[0]);
    const bool has_beta = add != nullptr && add->op_type == "Add" && add->inputs.size() == 2 && per_element(other_input(*add, mul->outputs[0]));
    const ir::Node& last = has_beta ? *add : *mul;

    auto ln = std::make_unique<ir::Node>();
    ln->id = last.id;
    ln->name = last.name;
    ln->op_type = "LayerNormalization";
    ln->inputs = {x, other_input(*mul, div->outputs[0])};
    if (has_beta) ln->inputs.push_back(other_input(*add, mul->outputs[0]));
    ln->outputs = last.outputs;
    ln->attributes["axis"] = ir::Attribute{.type = ir::Attribute::Type::kInt, .i = -1};
    ln->attributes["epsilon"] = ir::Attribute{.type = ir::Attribute::Type::kFloat, .f = eps.constant->data<float>()[0]};
    for (const ir::Node* node : {&mean, sub, pow, var, add_eps, sqrt, div, mul}) {
      if (node != &last) absorbed_.insert(node->id);
    }
    replaced_[last.id] = ln.get();
    owned_nodes_.push_back(std::move(ln));
    ++p_.stats.fused_layer_norms;
    return true;
  }

  // The only consumer of `v` if it has exactly one and is not a graph output, else nullptr.
  const ir::Node* only_consumer(ir::ValueId v) const {
    const ir::Value& value = g_.value(v);
    if (value.is_graph_output || value.consumers.size() != 1) return nullptr;
    const ir::Node& next = g_.node(value.consumers[0]);
    return next.removed || !next.domain.empty() || next.outputs.size() != 1 ? nullptr : &next;
  }

  // True if `v` is a float constant holding one value within 1e-5 (relative) of `want`.
  bool is_scalar(ir::ValueId v, double want) const {
    const ir::Value& value = g_.value(v);
    if (!value.constant || value.constant->dtype() != ir::DataType::kFloat32 || value.constant->size() != 1) return false;
    return std::abs(value.constant->data<float>()[0] - want) <= 1e-5 * std::abs(want);
  }

  // If `node` is the binary `op` of `v` and a scalar constant equal to `c` (either order unless
  // `v_first`), the index of `v` among its inputs.
  std::optional<size_t> binary_with_scalar(const ir::Node& node, const char* op, ir::ValueId v, double c, bool v_first) const {
    if (node.op_type != op || node.inputs.size() != 2) return std::nullopt;
    for (size_t i = 0; i < 2; ++i) {
      if (node.inputs[i] == v && is_scalar(node.inputs[1 - i], c) && (i == 0 || !v_first)) return i;
    }
    return std::nullopt;
  }

  using Chain = std::vector<std::pair<ir::NodeId, size_t>>;  // node, index of its input that leads to x

  // The nodes of an exact GELU exported as elementwise ops on x (PyTorch's nn.GELU and
  // hand-written x * 0.5 * (1 + erf(x / sqrt 2))), if every intermediate is read only inside the
  // chain: t = Add(Erf(Div(x, sqrt 2) or Mul(x, 1/sqrt 2)), 1), then Mul(Mul(x, 0.5), t) or
  // Mul(Mul(x, t), 0.5). Each comes with its input that leads back to x, so that fused, every node
  // is a view of the GELU the producer of x computed.
  std::optional<Chain> fusable_gelu(ir::ValueId x) const {
    const ir::Value& xv = g_.value(x);
    if (xv.is_graph_output || xv.consumers.size() != 2) return std::nullopt;  // (MatMul is float32 only)
    for (size_t first = 0; first < 2; ++first) {
      const ir::Node& scale = g_.node(xv.consumers[first]);
      const ir::Node& other = g_.node(xv.consumers[1 - first]);
      if (scale.removed || other.removed || !scale.domain.empty() || !other.domain.empty() || other.outputs.size() != 1) continue;
      std::optional<size_t> scale_in = binary_with_scalar(scale, "Div", x, std::sqrt(2.0), true);
      if (!scale_in) scale_in = binary_with_scalar(scale, "Mul", x, std::sqrt(0.5), false);
      if (!scale_in) continue;
      const ir::Node* erf = only_consumer(scale.outputs[0]);
      if (erf == nullptr || erf->op_type != "Erf") continue;
      const ir::Node* add = only_consumer(erf->outputs[0]);
      std::optional<size_t> add_in = add ? binary_with_scalar(*add, "Add", erf->outputs[0], 1.0, false) : std::nullopt;
      if (!add_in) continue;
      Chain chain{{scale.id, *scale_in}, {erf->id, 0}, {add->id, *add_in}};
      if (auto half = binary_with_scalar(other, "Mul", x, 0.5, false)) {  // Mul(Mul(x, 0.5), t)
        const ir::Node* last = only_consumer(add->outputs[0]);
        if (last == nullptr || only_consumer(other.outputs[0]) != last || last->op_type != "Mul") continue;
        chain.push_back({other.id, *half});
        chain.push_back({last->id, last->inputs[0] == other.outputs[0] ? 0u : 1u});
        return chain;
      }
      if (other.op_type == "Mul" && other.inputs.size() == 2 && only_consumer(add->outputs[0]) == &other &&
          (other.inputs[0] == x) != (other.inputs[1] == x)) {  // Mul(Mul(x, t), 0.5)
        const ir::Node* last = only_consumer(other.outputs[0]);
        std::optional<size_t> last_in = last ? binary_with_scalar(*last, "Mul", other.outputs[0], 0.5, false) : std::nullopt;
        if (!last_in) continue;
        chain.push_back({other.id, other.inputs[0] == x ? 0u : 1u});
        chain.push_back({last->id, *last_in});
        return chain;
      }
    }
    return std::nullopt;
  }

  struct Residual {
    ir::NodeId add;                 // the Add
    size_t input;                   // which of its inputs is the Conv's output
    ir::ValueId value;              // its other input, the residual
    ir::NodeId relu = ir::kNone;    // a Relu after the Add, fused too
  };

  // The Add of a residual to `conv`'s output (its only consumer, not a graph output) when the
  // residual already exists in the activation layout with the output's dims, and is computed by
  // an ancestor of the Conv (or is a graph input): then the Conv may read it without a new
  // dependency that the parallel plan did not order. In a serial-order program any residual
  // computed before the Conv will do. With the Relu after the Add, if it is the Add's only consumer.
  std::optional<Residual> fusable_residual(const ir::Node& conv) const {
    if (conv.outputs.size() != 1 || conv.inputs.size() > 3) return std::nullopt;
    const ir::Node* add = only_consumer(conv.outputs[0]);
    if (add == nullptr || add->op_type != "Add" || add->inputs.size() != 2) return std::nullopt;
    if ((add->inputs[0] == conv.outputs[0]) == (add->inputs[1] == conv.outputs[0])) return std::nullopt;
    const size_t input = add->inputs[0] == conv.outputs[0] ? 0 : 1;
    const ir::ValueId r = add->inputs[1 - input];
    if (!known(r) || !has_active(r) || is_constant(r)) return std::nullopt;
    const Slot& rs = any_slot(r);
    if (rs.dtype != ir::DataType::kFloat32 || rs.storage == SlotStorage::kDynamic || rs.dims != conv_output_dims(conv)) {
      return std::nullopt;  // (a residual broadcast along some dim is not one)
    }
    const ir::NodeId producer = g_.value(r).producer;
    // In program order the residual is computed before the Conv once it is known here; a parallel
    // plan runs the two producers in any order unless one is an ancestor of the other.
    if (!o_.serial_order && producer != ir::kNone && !is_ancestor(producer, conv.id)) return std::nullopt;
    Residual residual{add->id, input, r};
    const ir::Node* relu = only_consumer(add->outputs[0]);
    if (relu != nullptr && relu->op_type == "Relu" && relu->inputs.size() == 1) residual.relu = relu->id;
    return residual;
  }

  // The output dims of a 2-D Conv whose X and W are known with static dims; empty otherwise.
  ir::Dims conv_output_dims(const ir::Node& conv) const {
    if (conv.inputs.size() < 2 || conv.inputs[0] == ir::kNone || conv.inputs[1] == ir::kNone) return {};
    if (!known(conv.inputs[0]) || !known(conv.inputs[1])) return {};
    const Slot& x = any_slot(conv.inputs[0]);
    const Slot& w = any_slot(conv.inputs[1]);
    if (x.storage == SlotStorage::kDynamic || w.storage == SlotStorage::kDynamic || x.dims.size() != 4 || w.dims.size() != 4) return {};
    try {
      const WindowGeometry g = resolve_window(conv, {x.dims[2], x.dims[3]}, {w.dims[2], w.dims[3]}, false);
      return {x.dims[0], w.dims[0], g.output[0], g.output[1]};
    } catch (const Error&) {
      return {};  // the kernel will say what is wrong
    }
  }

  // True if `a` is a (transitive) producer of one of `b`'s inputs.
  bool is_ancestor(ir::NodeId a, ir::NodeId b) const {
    std::vector<char> seen(g_.nodes().size(), 0);
    std::vector<ir::NodeId> stack{b};
    while (!stack.empty()) {
      const ir::NodeId n = stack.back();
      stack.pop_back();
      for (ir::NodeId p : g_.predecessors(n)) {
        if (p == a) return true;
        if (!seen[static_cast<size_t>(p)]) {
          seen[static_cast<size_t>(p)] = 1;
          stack.push_back(p);
        }
      }
    }
    return false;
  }

  struct Activation {
    ir::NodeId node;
    FusedActivation kind;
    float min, max;
  };

  // The Relu, or float Clip with constant bounds, that is the only consumer of `conv`'s output
  // (not a graph output), if any.
  std::optional<Activation> fusable_activation(const ir::Node& conv) const {
    if (conv.outputs.size() != 1) return std::nullopt;
    const ir::Value& y = g_.value(conv.outputs[0]);
    if (y.is_graph_output || y.consumers.size() != 1) return std::nullopt;  // (Conv is float32 only)
    const ir::Node& next = g_.node(y.consumers[0]);
    if (next.removed || next.outputs.size() != 1 || next.inputs.empty() || next.inputs[0] != y.id) return std::nullopt;
    if (next.op_type == "Relu" && next.inputs.size() == 1) return Activation{next.id, FusedActivation::kRelu, 0, 0};
    if (next.op_type != "Clip") return std::nullopt;
    Activation clip{next.id, FusedActivation::kClip, -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity()};
    if (opset_of(next) < 11) {
      clip.min = next.attr_float("min", clip.min);
      clip.max = next.attr_float("max", clip.max);
      return clip;
    }
    for (size_t i = 1; i < next.inputs.size() && i < 3; ++i) {
      if (next.inputs[i] == ir::kNone) continue;
      const ir::Value& bound = g_.value(next.inputs[i]);
      if (!bound.constant || bound.constant->dtype() != ir::DataType::kFloat32 || bound.constant->size() != 1) return std::nullopt;
      (i == 1 ? clip.min : clip.max) = bound.constant->data<float>()[0];
    }
    return clip;
  }

  // On several threads, a large elementwise node (ramiel's loops: one thread each) as one band of
  // rows per OpenMP thread (BERT's residual, mask and scale operations); `whole` otherwise.
  std::unique_ptr<Kernel> thread_sliced_elementwise(const ir::Node& node, const KernelInit& init, std::unique_ptr<Kernel> whole) {
    if (init.threads < 2 || !is_elementwise_op(node.op_type) || node.outputs.size() != 1) return whole;
    const auto& infos = whole->output_infos();
    if (infos.size() != 1 || infos[0].dynamic || ir::element_count(infos[0].dims) < kThreadSlicedMinElements) return whole;
    const KernelFactory factory = find_kernel(node.op_type, node.domain);
    const Kernel& decides_rows = *whole;
    auto sliced = create_thread_sliced_kernel([&](const KernelInit& part) { return create_row_slice(factory, part, decides_rows); }, init);
    return sliced ? std::move(sliced) : std::move(whole);
  }

  // The slice kernels of `node` when options ask to split it and its kernel can compute every
  // slice (one static output, not a view); empty otherwise, and the node runs whole.
  std::vector<std::unique_ptr<Kernel>> create_slices(const ir::Node& node, const KernelInit& init) {
    auto it = o_.slices.find(node.id);
    if (it == o_.slices.end() || it->second < 2 || node.outputs.size() != 1 || !can_slice(node.op_type)) return {};
    std::vector<std::unique_ptr<Kernel>> slices;
    try {
      KernelFactory factory = find_kernel(node.op_type, node.domain);
      const bool native = kernel_computes_slices(node.op_type);
      const std::unique_ptr<Kernel> whole = native ? nullptr : factory(init);  // decides the rows of every slice
      for (int k = 0; k < it->second; ++k) {
        KernelInit part = init;
        part.slice = SliceSpec{k, it->second};
        slices.push_back(native ? factory(part) : create_row_slice(factory, part, *whole));
        const auto& infos = slices.back()->output_infos();
        if (infos.size() != 1 || infos[0].dynamic || infos[0].constant != nullptr || slices.back()->view_of_input(0) >= 0) return {};
      }
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kUnsupported) throw;
      return {};  // this shape or layout does not split: run whole
    }
    return slices;
  }

  void finish() {
    const int end = static_cast<int>(p_.steps.size()) + 1;
    p_.dynamic_consumers.assign(p_.slots.size(), {});
    for (size_t s = 0; s < p_.steps.size(); ++s) {
      const Step& step = p_.steps[s];
      for (size_t i = 0; i < step.inputs.size(); ++i) {
        int slot = step.inputs[i];
        if (slot < 0) continue;
        const Slot& sl = p_.slots[static_cast<size_t>(slot)];
        if (sl.buffer >= 0) p_.buffers[static_cast<size_t>(sl.buffer)].readers.push_back(static_cast<int>(s) + 1);
        if (sl.storage == SlotStorage::kDynamic) {
          p_.dynamic_consumers[static_cast<size_t>(slot)].push_back({static_cast<int>(s), static_cast<int>(i)});
        }
      }
    }
    for (const Step& step : p_.prologue) {  // runs at step 0, when the inputs are copied in
      const Slot& sl = p_.slots[static_cast<size_t>(step.inputs[0])];
      if (sl.buffer >= 0) p_.buffers[static_cast<size_t>(sl.buffer)].readers.push_back(0);
    }
    for (int slot : p_.output_slots) {
      const Slot& sl = p_.slots[static_cast<size_t>(slot)];
      if (sl.buffer >= 0) p_.buffers[static_cast<size_t>(sl.buffer)].readers.push_back(end);
    }
    for (const Slot& sl : p_.slots) {
      if (sl.layout != Layout::kPlain && sl.storage != SlotStorage::kConstant && sl.view_of < 0) ++p_.stats.layout_slots;
    }
    p_.owned_nodes = std::move(owned_nodes_);
  }

  const ir::Graph& g_;
  const BuildOptions& o_;
  const Layout active_;  // the activation layout (kPlain: none)
  Program p_;
  std::vector<std::array<int, 4>> value_slots_;  // per value, its slot in each Layout (-1: none)
  std::vector<std::unique_ptr<ir::Node>> owned_nodes_;
  // Nodes their producer applies (a Relu or Clip by its Conv, a bias Add by its MatMul): views of
  // their input at this index (the producer's output).
  std::map<ir::NodeId, size_t> fused_;
  // A LayerNormalization exported as elementwise ops: its nodes but the last are absorbed (no step),
  // the last is replaced by a LayerNormalization node (kept in owned_nodes_).
  std::set<ir::NodeId> absorbed_;
  std::map<ir::NodeId, const ir::Node*> replaced_;
  // MatMuls reading absorbed Transposes' inputs: per MatMul, the permutation of each operand (A, B).
  std::map<ir::NodeId, std::vector<std::vector<int64_t>>> matmul_perms_;
};

}  // namespace

std::string unsupported_operators(const ir::Graph& graph) {
  std::map<std::string, int> missing;
  for (const ir::Node& node : graph.nodes()) {
    if (node.removed) continue;
    if (find_kernel(node.op_type, node.domain) == nullptr) {
      std::string name = node.domain.empty() || node.domain == "ai.onnx" ? node.op_type : node.domain + "." + node.op_type;
      ++missing[name];
    }
  }
  std::string out;
  for (const auto& [op, count] : missing) {
    out += (out.empty() ? "" : ", ") + op + " (" + std::to_string(count) + ")";
  }
  return out;
}

Program build_program(const ir::Graph& graph, const BuildOptions& options) { return Builder(graph, options).build(); }

}  // namespace ramiel::runtime
