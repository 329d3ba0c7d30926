/// \file
/// TopK: the K largest (or smallest) elements along an axis and their int64 indices, sorted, ties
/// broken by the lower index. K is a 1-element input; the outputs are dynamic when it is not constant.

#include <algorithm>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
class TopKKernel final : public Kernel {
 public:
  using C = compute_t<T>;

  TopKKernel(const ir::Dims& dims, size_t axis, std::optional<int64_t> k, bool largest, std::string label)
      : dims_(dims), axis_(axis), k_(k), largest_(largest), label_(std::move(label)) {
    for (size_t d = 0; d < dims.size(); ++d) {
      if (d < axis) outer_ *= dims[d];
      if (d > axis) inner_ *= dims[d];
    }
    n_ = dims[axis];
    ir::Dims out = dims;
    if (k) out[axis] = *k;
    TensorInfo values{dtype_of<T>(), out}, indices{ir::DataType::kInt64, out};
    values.dynamic = indices.dynamic = !k;
    outputs_.push_back(values);
    outputs_.push_back(indices);
    line_.resize(static_cast<size_t>(n_));
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    int64_t k = k_ ? *k_ : 0;
    if (!k_) {
      k = ir::element_as_int64(inputs[1], 0);
      if (k < 0 || k > n_) throw_bad_input(label_ + ": k = " + std::to_string(k) + " is out of range");
      ir::Dims out = dims_;
      out[axis_] = k;
      outputs[0] = ir::Tensor(dtype_of<T>(), out);
      outputs[1] = ir::Tensor(ir::DataType::kInt64, out);
    }
    const T* x = inputs[0].data<T>();
    T* values = outputs[0].data<T>();
    int64_t* indices = outputs[1].data<int64_t>();
    auto before = [this](const std::pair<C, int64_t>& a, const std::pair<C, int64_t>& b) {
      if (a.first != b.first) return largest_ ? a.first > b.first : a.first < b.first;
      return a.second < b.second;
    };
    for (int64_t o = 0; o < outer_; ++o) {
      for (int64_t i = 0; i < inner_; ++i) {
        const T* xl = x + o * n_ * inner_ + i;
        for (int64_t j = 0; j < n_; ++j) line_[static_cast<size_t>(j)] = {widen(xl[j * inner_]), j};
        std::partial_sort(line_.begin(), line_.begin() + k, line_.end(), before);
        for (int64_t j = 0; j < k; ++j) {
          const int64_t at = o * k * inner_ + j * inner_ + i;
          values[at] = store_as<T>(line_[static_cast<size_t>(j)].first);
          indices[at] = line_[static_cast<size_t>(j)].second;
        }
      }
    }
  }

 private:
  ir::Dims dims_;
  size_t axis_;
  std::optional<int64_t> k_;
  bool largest_;
  std::string label_;
  int64_t outer_ = 1, inner_ = 1, n_ = 0;
  std::vector<std::pair<C, int64_t>> line_;
};

}  // namespace

/// TopK: values and indices of the K extreme elements along `axis` (default -1).
std::unique_ptr<Kernel> create_top_k_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, {dtypes_like_input(init, 0)[0], ir::DataType::kInt64}, create_top_k_kernel)) return deferred;
  const TensorInfo& x = init.inputs.empty() ? TensorInfo{} : init.inputs[0];
  std::optional<int64_t> k;
  if (init.opset < 10) {
    check_input_count(init, 1, 1);
    k = init.node.attr_int("k", 0);
  } else {
    check_input_count(init, 2, 2);
    if (init.inputs[1].constant) k = ir::element_as_int64(*init.inputs[1].constant, 0);
  }
  const auto axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("axis", -1), static_cast<int64_t>(x.dims.size())));
  if (k && (*k < 0 || *k > x.dims[axis])) throw_invalid(init, "k = " + std::to_string(*k) + " is out of range");
  const bool largest = init.node.attr_int("largest", 1) != 0;
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (kIsNumeric<T>) return std::make_unique<TopKKernel<T>>(x.dims, axis, k, largest, describe(init.node));
    else return nullptr;
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
