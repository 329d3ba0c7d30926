/// \file
/// Identity and inference-mode Dropout: output 0 is a view of input 0; Dropout's optional mask
/// output is all true.

#include <algorithm>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

/// Output 0 = input 0; an optional second output is an all-true mask (Dropout).
class IdentityKernel final : public Kernel {
 public:
  /// `training_input`/`ratio_input`: index of a non-constant training_mode/ratio input to read on
  /// each run, or 0; `ratio` is the constant ratio otherwise.
  IdentityKernel(const TensorInfo& x, bool mask, size_t training_input, size_t ratio_input, float ratio, std::string label)
      : training_input_(training_input), ratio_input_(ratio_input), ratio_(ratio), label_(std::move(label)) {
    outputs_.push_back({x.dtype, x.dims});
    if (mask) outputs_.push_back({ir::DataType::kBool, x.dims});
  }

  // A non-constant training_mode must be checked on every run, so the kernel cannot be skipped.
  int view_of_input(size_t output) const override { return output == 0 && training_input_ == 0 ? 0 : -1; }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (training_input_ && inputs[training_input_].data<bool>()[0] &&
        (ratio_input_ ? element_as<float>(inputs[ratio_input_], 0) : ratio_) != 0.0f) {
      throw Error(ErrorKind::kUnsupported, label_ + ": training-mode dropout is not supported");
    }
    copy_if_distinct(inputs[0], outputs[0]);
    if (outputs.size() > 1 && outputs[1].raw()) {
      bool* m = outputs[1].data<bool>();
      std::fill(m, m + outputs[1].size(), true);
    }
  }

 private:
  size_t training_input_;
  size_t ratio_input_;
  float ratio_;
  std::string label_;
};

}  // namespace

/// Identity: the input, as a view.
std::unique_ptr<Kernel> create_identity_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_identity_kernel)) return deferred;
  check_input_count(init, 1, 1);
  if (element_size(init.inputs[0].dtype) == 0) throw_unsupported_type(init, init.inputs[0].dtype, "input 0");
  return std::make_unique<IdentityKernel>(init.inputs[0], false, 0, 0, 0.0f, describe(init.node));
}

/// Dropout in inference: the input as a view, and an all-true mask if requested.
std::unique_ptr<Kernel> create_dropout_kernel(const KernelInit& init) {
  std::vector<ir::DataType> dtypes = dtypes_like_input(init, 0);
  if (init.node.outputs.size() > 1 && init.node.outputs[1] != ir::kNone) dtypes.push_back(ir::DataType::kBool);
  if (auto deferred = defer_if_dynamic(init, dtypes, create_dropout_kernel)) return deferred;
  check_input_count(init, 1, 3);
  if (element_size(init.inputs[0].dtype) == 0) throw_unsupported_type(init, init.inputs[0].dtype, "input 0");
  bool mask = init.node.outputs.size() > 1 && init.node.outputs[1] != ir::kNone;
  float ratio = init.node.attr_float("ratio", 0.5f);
  size_t training_input = 0, ratio_input = 0;
  // Before opset 12 Dropout has no training mode input; ramiel always runs inference.
  if (init.opset >= 12) {
    if (has_input(init, 1)) {
      if (init.inputs[1].constant) ratio = element_as<float>(*init.inputs[1].constant, 0);
      else ratio_input = 1;
    }
    if (has_input(init, 2)) {
      if (!init.inputs[2].constant) training_input = 2;
      else if (element_as<bool>(*init.inputs[2].constant, 0) && (ratio_input || ratio != 0.0f)) {
        throw_unsupported(init, "training-mode dropout is not supported");
      }
    }
  }
  return std::make_unique<IdentityKernel>(init.inputs[0], mask, training_input, ratio_input, ratio, describe(init.node));
}

}  // namespace ramiel::runtime
