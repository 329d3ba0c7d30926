#include "runtime/row_slicing.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "ramiel/error.h"

namespace ramiel::runtime {
namespace {

// Elementwise operators (numpy broadcasting, or none): every output row reads only the same row
// of each input, or a broadcast input whole.
constexpr std::string_view kElementwise[] = {
    "Abs",   "Acos",        "Acosh", "Add",       "And",       "Asin",    "Asinh",   "Atan",    "Atanh",
    "Cast",  "Ceil",        "Celu",  "Clip",      "Cos",       "Cosh",    "Div",     "Elu",     "Equal",
    "Erf",   "Exp",         "Floor", "Greater",   "GreaterOrEqual", "HardSigmoid", "HardSwish", "IsInf",
    "IsNaN", "LeakyRelu",   "Less",  "LessOrEqual", "Log",     "Max",     "Mean",    "Min",     "Mod",
    "Mul",   "Neg",         "Not",   "Or",        "PRelu",     "Pow",     "Reciprocal", "Relu", "Round",
    "Selu",  "Shrink",      "Sigmoid", "Sign",    "Sin",       "Sinh",    "Softplus", "Softsign", "Sqrt",
    "Sub",   "Sum",         "Tan",   "Tanh",      "ThresholdedRelu", "Where", "Xor"};

// Operators that normalise along `axis` (and, LayerNormalization, every axis after it): row-wise
// when that axis is inside the rows.
constexpr std::string_view kInnerAxis[] = {"Hardmax", "LayerNormalization", "LogSoftmax", "Softmax"};

bool is_inner_axis_op(std::string_view op_type) {
  return std::find(std::begin(kInnerAxis), std::end(kInnerAxis), op_type) != std::end(kInnerAxis);
}

Error unsupported(const KernelInit& init, const std::string& why) {
  return Error(ErrorKind::kUnsupported, init.node.op_type + " '" + init.node.name + "': cannot compute " + init.slice.describe() + ": " + why);
}

/// Where one operand of a slice lies in the whole operand.
struct Band {
  size_t byte_offset = 0;  ///< Start of the slice's rows (0: a broadcast operand, read whole).
  bool absent = false;     ///< An omitted optional input.
};

/// Runs the node's own kernel, created for a band of rows, on views into the whole operands.
class RowSliceKernel final : public Kernel {
 public:
  RowSliceKernel(TensorInfo whole_output, std::vector<ir::Tensor> owned, std::unique_ptr<Kernel> inner, std::vector<Band> inputs,
                 std::vector<ir::Tensor> input_views, Band output, ir::Tensor output_view)
      : owned_(std::move(owned)), inner_(std::move(inner)), inputs_(std::move(inputs)), input_views_(std::move(input_views)),
        output_(output) {
    outputs_.push_back(std::move(whole_output));
    output_views_.push_back(std::move(output_view));
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    for (size_t i = 0; i < inputs_.size(); ++i) {
      if (!inputs_[i].absent) input_views_[i].view_into(inputs[i], inputs_[i].byte_offset);
    }
    output_views_[0].view_into(outputs[0], output_.byte_offset);
    inner_->run(input_views_, output_views_);
  }

 private:
  std::vector<ir::Tensor> owned_;  // constant inputs' slices (the inner kernel may point into them)
  std::unique_ptr<Kernel> inner_;
  std::vector<Band> inputs_;
  std::vector<ir::Tensor> input_views_;  // dims of the slice; re-aimed at each run
  Band output_;
  std::vector<ir::Tensor> output_views_;
};

}  // namespace

bool is_row_wise_op(std::string_view op_type) {
  return is_inner_axis_op(op_type) ||
         std::find(std::begin(kElementwise), std::end(kElementwise), op_type) != std::end(kElementwise);
}

bool is_elementwise_op(std::string_view op_type) {
  return std::find(std::begin(kElementwise), std::end(kElementwise), op_type) != std::end(kElementwise);
}

bool can_slice(std::string_view op_type) { return kernel_computes_slices(op_type) || is_row_wise_op(op_type); }

std::unique_ptr<Kernel> create_row_slice(KernelFactory factory, const KernelInit& init) {
  if (!is_row_wise_op(init.node.op_type)) throw unsupported(init, "not a row-wise operator");
  KernelInit whole = init;
  whole.slice = SliceSpec{};
  return create_row_slice(factory, init, *factory(whole));
}

std::unique_ptr<Kernel> create_row_slice(KernelFactory factory, const KernelInit& init, const Kernel& whole) {
  if (!is_row_wise_op(init.node.op_type)) throw unsupported(init, "not a row-wise operator");
  const auto& infos = whole.output_infos();
  if (infos.size() != 1 || infos[0].dynamic || infos[0].constant != nullptr || whole.view_of_input(0) >= 0 ||
      infos[0].layout != Layout::kPlain || ir::element_size(infos[0].dtype) == 0) {
    throw unsupported(init, "its output is not one plain, computed tensor");
  }
  const ir::Dims& out = infos[0].dims;
  const size_t rank = out.size();
  size_t d = 0;  // the rows: the outermost dim > 1, so every operand's rows are contiguous
  while (d < rank && out[d] == 1) ++d;
  if (d == rank || out[d] < init.slice.count) throw unsupported(init, "output " + ir::to_string(out) + " has too few rows");
  if (is_inner_axis_op(init.node.op_type)) {
    int64_t axis = init.node.attr_int("axis", init.node.op_type == "LayerNormalization" || init.opset >= 13 ? -1 : 1);
    if (axis < 0) axis += static_cast<int64_t>(rank);
    if (axis <= static_cast<int64_t>(d)) throw unsupported(init, "its axis " + std::to_string(axis) + " spans the rows");
  }
  const auto [begin, end] = slice_range(out[d], init.slice.index, init.slice.count);

  // Restricts `dims` (right-aligned with the output) to the slice's rows; false if broadcast along them.
  auto cut = [&](ir::Dims& dims, size_t bytes, size_t& offset) {
    const int64_t axis = static_cast<int64_t>(d) - static_cast<int64_t>(rank) + static_cast<int64_t>(dims.size());
    if (axis < 0 || dims[static_cast<size_t>(axis)] == 1) return false;
    if (dims[static_cast<size_t>(axis)] != out[d]) throw unsupported(init, "an input does not broadcast to the output");
    int64_t inner = 1;
    for (size_t i = static_cast<size_t>(axis) + 1; i < dims.size(); ++i) inner *= dims[i];
    offset = static_cast<size_t>(begin * inner) * bytes;
    dims[static_cast<size_t>(axis)] = end - begin;
    return true;
  };

  KernelInit part = init;
  part.slice = SliceSpec{};
  std::vector<ir::Tensor> owned;
  owned.reserve(init.inputs.size());  // stable addresses: TensorInfo::constant points into it
  std::vector<Band> bands(init.inputs.size());
  std::vector<ir::Tensor> views(init.inputs.size());
  for (size_t i = 0; i < init.inputs.size(); ++i) {
    TensorInfo& info = part.inputs[i];
    if (info.absent()) {
      bands[i].absent = true;
      continue;
    }
    if (info.layout != Layout::kPlain) throw unsupported(init, "an input is not plain");
    const size_t bytes = ir::element_size(info.dtype);
    if (bytes == 0) throw unsupported(init, "an input's element type has no fixed size");
    if (cut(info.dims, bytes, bands[i].byte_offset) && info.constant != nullptr) {
      owned.emplace_back(info.dtype, info.dims);
      std::memcpy(owned.back().raw(), static_cast<const std::byte*>(info.constant->raw()) + bands[i].byte_offset, owned.back().byte_size());
      info.constant = &owned.back();
    }
    views[i] = ir::Tensor::wrap(info.dtype, info.dims, nullptr);
  }
  std::unique_ptr<Kernel> inner = factory(part);
  ir::Dims slice_out = out;
  Band output;
  cut(slice_out, ir::element_size(infos[0].dtype), output.byte_offset);
  const auto& inner_infos = inner->output_infos();
  if (inner_infos.size() != 1 || inner_infos[0].dynamic || inner_infos[0].dims != slice_out || inner_infos[0].layout != Layout::kPlain) {
    throw unsupported(init, "its kernel computes other dims for a band of rows");
  }
  ir::Tensor output_view = ir::Tensor::wrap(infos[0].dtype, slice_out, nullptr);
  return std::make_unique<RowSliceKernel>(infos[0], std::move(owned), std::move(inner), std::move(bands), std::move(views), output,
                                          std::move(output_view));
}

}  // namespace ramiel::runtime
