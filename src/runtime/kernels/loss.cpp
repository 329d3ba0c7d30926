/// \file
/// The loss operators: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (with its optional
/// log_prob output), with class weights, ignore_index and none/sum/mean reductions. Computed in
/// double; input [N, C, d1...], target [N, d1...].

#include <cmath>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

enum class LossReduction { kNone, kSum, kMean };

template <typename T, typename I>
class LossKernel final : public Kernel {
 public:
  LossKernel(const ir::Dims& x, const ir::Dims& target, LossReduction reduction, std::optional<int64_t> ignore, bool softmax, bool log_prob,
             std::string label)
      : reduction_(reduction), ignore_(ignore), softmax_(softmax), label_(std::move(label)) {
    n_ = x[0];
    c_ = x[1];
    d_ = n_ * c_ == 0 ? 0 : ir::element_count(x) / (n_ * c_);
    outputs_.push_back({dtype_of<T>(), reduction == LossReduction::kNone ? target : ir::Dims{}});
    if (log_prob) outputs_.push_back({dtype_of<T>(), x});
    if (softmax) logp_.resize(static_cast<size_t>(ir::element_count(x)));
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const T* x = inputs[0].data<T>();
    const I* target = inputs[1].data<I>();
    const T* weight = inputs.size() > 2 && inputs[2].raw() ? inputs[2].data<T>() : nullptr;
    const int64_t nd = n_ * d_;
    auto in = [&](int64_t n, int64_t c, int64_t d) { return (n * c_ + c) * d_ + d; };
    if (softmax_) {
      for (int64_t n = 0; n < n_; ++n) {
        for (int64_t d = 0; d < d_; ++d) {
          double mx = -INFINITY, sum = 0;
          for (int64_t c = 0; c < c_; ++c) mx = std::max(mx, static_cast<double>(widen(x[in(n, c, d)])));
          for (int64_t c = 0; c < c_; ++c) sum += std::exp(static_cast<double>(widen(x[in(n, c, d)])) - mx);
          const double log_sum = std::log(sum) + mx;
          for (int64_t c = 0; c < c_; ++c) logp_[static_cast<size_t>(in(n, c, d))] = static_cast<double>(widen(x[in(n, c, d)])) - log_sum;
        }
      }
      if (outputs.size() > 1 && outputs[1].raw()) {
        T* lp = outputs[1].data<T>();
        for (size_t i = 0; i < logp_.size(); ++i) lp[i] = store_as<T>(static_cast<compute_t<T>>(logp_[i]));
      }
    }
    T* loss = outputs[0].data<T>();
    double total = 0, weights = 0;
    for (int64_t n = 0; n < n_; ++n) {
      for (int64_t d = 0; d < d_; ++d) {
        const auto t = static_cast<int64_t>(target[n * d_ + d]);
        double l = 0, w = 0;
        if (!ignore_ || t != *ignore_) {
          if (t < 0 || t >= c_) throw_bad_input(label_ + ": target " + std::to_string(t) + " is out of range for " + std::to_string(c_) + " classes");
          w = weight ? static_cast<double>(widen(weight[t])) : 1.0;
          const double v = softmax_ ? logp_[static_cast<size_t>(in(n, t, d))] : static_cast<double>(widen(x[in(n, t, d)]));
          l = -v * w;
        }
        if (reduction_ == LossReduction::kNone) loss[n * d_ + d] = store_as<T>(static_cast<compute_t<T>>(l));
        total += l;
        weights += w;
      }
    }
    if (reduction_ == LossReduction::kSum) loss[0] = store_as<T>(static_cast<compute_t<T>>(total));
    if (reduction_ == LossReduction::kMean) {
      const double denominator = (weight || ignore_) ? weights : static_cast<double>(nd);
      loss[0] = store_as<T>(static_cast<compute_t<T>>(total / denominator));
    }
  }

 private:
  LossReduction reduction_;
  std::optional<int64_t> ignore_;
  bool softmax_;
  std::string label_;
  int64_t n_ = 0, c_ = 0, d_ = 0;
  std::vector<double> logp_;
};

std::unique_ptr<Kernel> create_loss(const KernelInit& init, bool softmax) {
  check_input_count(init, 2, 3);
  const TensorInfo& x = init.inputs[0];
  const TensorInfo& target = init.inputs[1];
  if (x.dims.size() < 2) throw_invalid(init, "input must have rank 2 or more");
  ir::Dims expected = x.dims;
  expected.erase(expected.begin() + 1);
  if (target.dims != expected) throw_invalid(init, "target dims " + ir::to_string(target.dims) + " do not match input " + ir::to_string(x.dims));
  if (has_input(init, 2) && (init.inputs[2].dims != ir::Dims{x.dims[1]} || init.inputs[2].dtype != x.dtype)) {
    throw_invalid(init, "weight must be a 1-D tensor of C elements of the input's type");
  }
  std::string name = init.node.attr_string("reduction", "mean");
  LossReduction reduction;
  if (name == "none") reduction = LossReduction::kNone;
  else if (name == "sum") reduction = LossReduction::kSum;
  else if (name == "mean") reduction = LossReduction::kMean;
  else throw_unsupported(init, "reduction '" + name + "' is not supported");
  std::optional<int64_t> ignore;
  if (init.node.attribute("ignore_index")) ignore = init.node.attr_int("ignore_index", 0);
  const bool log_prob = softmax && init.node.outputs.size() > 1 && init.node.outputs[1] != ir::kNone;
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsFloat<T>) {
      if (target.dtype == ir::DataType::kInt64) return std::make_unique<LossKernel<T, int64_t>>(x.dims, target.dims, reduction, ignore, softmax, log_prob, describe(init.node));
      if (target.dtype == ir::DataType::kInt32) return std::make_unique<LossKernel<T, int32_t>>(x.dims, target.dims, reduction, ignore, softmax, log_prob, describe(init.node));
    }
    return nullptr;
  });
  if (!kernel) throw_unsupported(init, "input types " + type_name(x.dtype) + " and " + type_name(target.dtype) + " are not supported");
  return kernel;
}

}  // namespace

/// NegativeLogLikelihoodLoss: -input[n, target[n, d], d] * weight[target], reduced.
std::unique_ptr<Kernel> create_negative_log_likelihood_loss_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_negative_log_likelihood_loss_kernel)) return deferred;
  return create_loss(init, false);
}

/// SoftmaxCrossEntropyLoss: NegativeLogLikelihoodLoss of log_softmax(scores) over axis 1.
std::unique_ptr<Kernel> create_softmax_cross_entropy_loss_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0, init.node.outputs.size()), create_softmax_cross_entropy_loss_kernel)) return deferred;
  return create_loss(init, true);
}

}  // namespace ramiel::runtime
