/// \file
/// Unique: the distinct elements (or slices along `axis`), sorted or in order of first occurrence,
/// with first-occurrence indices, inverse indices and counts. Every output is dynamic.

#include <algorithm>
#include <numeric>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

template <typename T>
class UniqueKernel final : public Kernel {
 public:
  UniqueKernel(const ir::Dims& x, std::optional<size_t> axis, bool sorted, size_t outputs) : dims_(x), axis_(axis), sorted_(sorted) {
    for (size_t i = 0; i < outputs; ++i) {
      TensorInfo info{i == 0 ? dtype_of<T>() : ir::DataType::kInt64, {}};
      info.dynamic = true;
      outputs_.push_back(info);
    }
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const T* x = inputs[0].data<T>();
    // Slices: n of them, each `len` elements at offset(s, e) = (o * n + s) * inner + i for e = (o, i).
    int64_t outer = 1, n = ir::element_count(dims_), inner = 1;
    if (axis_) {
      n = dims_[*axis_];
      for (size_t k = 0; k < dims_.size(); ++k) {
        if (k < *axis_) outer *= dims_[k];
        if (k > *axis_) inner *= dims_[k];
      }
    }
    const int64_t len = outer * inner;
    auto at = [&](int64_t s, int64_t e) { return widen(x[((e / inner) * n + s) * inner + e % inner]); };
    auto less = [&](int64_t a, int64_t b) {
      for (int64_t e = 0; e < len; ++e) {
        if (at(a, e) != at(b, e)) return at(a, e) < at(b, e);
      }
      return false;
    };
    auto equal = [&](int64_t a, int64_t b) { return !less(a, b) && !less(b, a); };
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), less);
    // Groups of equal slices in sorted order; the first of each group is its first occurrence.
    std::vector<int64_t> first, count, inverse(static_cast<size_t>(n));
    for (size_t i = 0; i < order.size(); ++i) {
      if (i == 0 || !equal(order[i - 1], order[i])) {
        first.push_back(order[i]);
        count.push_back(0);
      }
      ++count.back();
      inverse[static_cast<size_t>(order[i])] = static_cast<int64_t>(first.size()) - 1;
    }
    std::vector<int64_t> rank(first.size());  // output position of each sorted group
    std::iota(rank.begin(), rank.end(), 0);
    if (!sorted_) {
      std::vector<int64_t> by_occurrence(first.size());
      std::iota(by_occurrence.begin(), by_occurrence.end(), 0);
      std::sort(by_occurrence.begin(), by_occurrence.end(), [&](int64_t a, int64_t b) { return first[static_cast<size_t>(a)] < first[static_cast<size_t>(b)]; });
      for (size_t p = 0; p < by_occurrence.size(); ++p) rank[static_cast<size_t>(by_occurrence[p])] = static_cast<int64_t>(p);
    }
    const auto u = static_cast<int64_t>(first.size());
    ir::Dims ydims = axis_ ? dims_ : ir::Dims{u};
    if (axis_) ydims[*axis_] = u;
    outputs[0] = ir::Tensor(dtype_of<T>(), ydims);
    T* y = outputs[0].data<T>();
    for (int64_t g = 0; g < u; ++g) {
      const int64_t p = rank[static_cast<size_t>(g)];
      for (int64_t e = 0; e < len; ++e) {
        y[((e / inner) * u + p) * inner + e % inner] = x[((e / inner) * n + first[static_cast<size_t>(g)]) * inner + e % inner];
      }
    }
    auto vec = [&](size_t i, int64_t size, auto value) {
      if (outputs.size() <= i) return;
      outputs[i] = ir::Tensor(ir::DataType::kInt64, {size});
      for (int64_t j = 0; j < size; ++j) outputs[i].data<int64_t>()[j] = value(j);
    };
    std::vector<int64_t> group_at(static_cast<size_t>(u));
    for (int64_t g = 0; g < u; ++g) group_at[static_cast<size_t>(rank[static_cast<size_t>(g)])] = g;
    vec(1, u, [&](int64_t p) { return first[static_cast<size_t>(group_at[static_cast<size_t>(p)])]; });
    vec(2, n, [&](int64_t s) { return rank[static_cast<size_t>(inverse[static_cast<size_t>(s)])]; });
    vec(3, u, [&](int64_t p) { return count[static_cast<size_t>(group_at[static_cast<size_t>(p)])]; });
  }

 private:
  ir::Dims dims_;
  std::optional<size_t> axis_;
  bool sorted_;
};

}  // namespace

/// Unique: distinct values or slices and where they occur.
std::unique_ptr<Kernel> create_unique_kernel(const KernelInit& init) {
  std::vector<ir::DataType> dtypes = dtypes_like_input(init, 0);
  for (size_t i = 1; i < init.node.outputs.size(); ++i) dtypes.push_back(ir::DataType::kInt64);
  if (auto deferred = defer_if_dynamic(init, dtypes, create_unique_kernel)) return deferred;
  check_input_count(init, 1, 1);
  const TensorInfo& x = init.inputs[0];
  std::optional<size_t> axis;
  if (init.node.attribute("axis")) axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("axis", 0), static_cast<int64_t>(x.dims.size())));
  const bool sorted = init.node.attr_int("sorted", 1) != 0;
  auto kernel = visit_dtype(x.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_same_v<T, Float16> && !std::is_same_v<T, BFloat16>) {
      return std::make_unique<UniqueKernel<T>>(x.dims, axis, sorted, std::max<size_t>(1, init.node.outputs.size()));
    } else {
      return nullptr;
    }
  });
  if (!kernel) throw_unsupported_type(init, x.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
