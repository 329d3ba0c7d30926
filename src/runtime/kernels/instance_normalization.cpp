/// \file
/// InstanceNormalization and MeanVarianceNormalization: per-channel / per-slice normalisation
/// with statistics computed in double.

#include <algorithm>
#include <cmath>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
class InstanceNormKernel final : public Kernel {
 public:
  InstanceNormKernel(const ir::Dims& x, float epsilon) : epsilon_(epsilon) {
    outputs_.push_back({dtype_of<T>(), x});
    n_ = x[0];
    c_ = x[1];
    spatial_ = n_ * c_ == 0 ? 0 : ir::element_count(x) / (n_ * c_);
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const T* x = inputs[0].data<T>();
    const T* scale = inputs[1].data<T>();
    const T* bias = inputs[2].data<T>();
    T* y = outputs[0].data<T>();
    for (int64_t n = 0; n < n_; ++n) {
      for (int64_t c = 0; c < c_; ++c) {
        const int64_t base = (n * c_ + c) * spatial_;
        double sum = 0, sq = 0;
        for (int64_t i = 0; i < spatial_; ++i) sum += static_cast<double>(widen(x[base + i]));
        const double mean = spatial_ ? sum / static_cast<double>(spatial_) : 0.0;
        for (int64_t i = 0; i < spatial_; ++i) {
          const double d = static_cast<double>(widen(x[base + i])) - mean;
          sq += d * d;
        }
        const double inv = 1.0 / std::sqrt((spatial_ ? sq / static_cast<double>(spatial_) : 0.0) + epsilon_);
        const double s = static_cast<double>(widen(scale[c])) * inv, b = static_cast<double>(widen(bias[c]));
        for (int64_t i = 0; i < spatial_; ++i) {
          y[base + i] = store_as<T>(static_cast<compute_t<T>>((static_cast<double>(widen(x[base + i])) - mean) * s + b));
        }
      }
    }
  }

 private:
  double epsilon_;
  int64_t n_ = 0, c_ = 0, spatial_ = 0;
};

/// (x - mean) / (std + 1e-9) over the given axes, as ONNX's reference computes it.
template <typename T>
class MvnKernel final : public Kernel {
 public:
  MvnKernel(const ir::Dims& x, const std::vector<bool>& reduced) : dims_(x) {
    outputs_.push_back({dtype_of<T>(), x});
    ir::Dims keep;
    for (size_t k = 0; k < x.size(); ++k) keep.push_back(reduced[k] ? 1 : x[k]);
    std::vector<int64_t> ks = contiguous_strides(keep);
    for (size_t k = 0; k < x.size(); ++k) acc_strides_.push_back(reduced[k] ? 0 : ks[k]);
    sum_.resize(static_cast<size_t>(ir::element_count(keep)));
    sq_.resize(sum_.size());
    count_ = ir::element_count(keep) ? ir::element_count(x) / ir::element_count(keep) : 0;
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const T* x = inputs[0].data<T>();
    T* y = outputs[0].data<T>();
    std::fill(sum_.begin(), sum_.end(), 0.0);
    std::fill(sq_.begin(), sq_.end(), 0.0);
    const int64_t total = ir::element_count(dims_);
    for (int pass = 0; pass < 2; ++pass) {
      std::array<int64_t, kMaxLoopRank> pos{};
      int64_t acc = 0;
      for (int64_t i = 0; i < total; ++i) {
        const auto v = static_cast<double>(widen(x[i]));
        const auto a = static_cast<size_t>(acc);
        if (pass == 0) {
          sum_[a] += v;
          sq_[a] += v * v;
        } else {
          const double mean = sum_[a] / static_cast<double>(count_);
          const double sd = std::sqrt(std::max(0.0, sq_[a] / static_cast<double>(count_) - mean * mean));
          y[i] = store_as<T>(static_cast<compute_t<T>>((v - mean) / (sd + 1e-9)));
        }
        for (size_t k = dims_.size(); k-- > 0;) {
          if (++pos[k] < dims_[k]) {
            acc += acc_strides_[k];
            break;
          }
          acc -= acc_strides_[k] * (dims_[k] - 1);
          pos[k] = 0;
        }
      }
    }
  }

 private:
  ir::Dims dims_;
  std::vector<int64_t> acc_strides_;
  std::vector<double> sum_, sq_;
  int64_t count_ = 0;
};

}  // namespace

/// InstanceNormalization: y = scale[c] * (x - mean) / sqrt(var + epsilon) + B[c] per (n, c).
std::unique_ptr<Kernel> create_instance_normalization_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_instance_normalization_kernel)) return deferred;
  check_input_count(init, 3, 3);
  const TensorInfo& x = init.inputs[0];
  if (x.dims.size() < 2) throw_invalid(init, "input must have rank 2 or more");
  for (size_t i = 1; i < 3; ++i) {
    if (init.inputs[i].dims != ir::Dims{x.dims[1]} || init.inputs[i].dtype != x.dtype) throw_invalid(init, "scale and B must be [C] of the input's type");
  }
  const float epsilon = init.node.attr_float("epsilon", 1e-5f);
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsFloat<T>) return std::make_unique<InstanceNormKernel<T>>(x.dims, epsilon);
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

/// MeanVarianceNormalization: zero mean, unit variance over `axes` (default [0, 2, 3]).
std::unique_ptr<Kernel> create_mean_variance_normalization_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_mean_variance_normalization_kernel)) return deferred;
  check_input_count(init, 1, 1);
  const TensorInfo& x = init.inputs[0];
  std::vector<int64_t> axes = normalize_axes(init, init.node.attr_ints("axes", {0, 2, 3}), static_cast<int64_t>(x.dims.size()));
  if (x.dims.size() > kMaxLoopRank) throw_unsupported(init, "rank above 16 is not supported");
  std::vector<bool> reduced(x.dims.size(), false);
  for (int64_t a : axes) reduced[static_cast<size_t>(a)] = true;
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsFloat<T>) return std::make_unique<MvnKernel<T>>(x.dims, reduced);
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
