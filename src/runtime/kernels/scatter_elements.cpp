/// \file
/// ScatterElements (and the deprecated Scatter): a copy of the data in which the elements named by
/// an index tensor along `axis` are replaced by (or, with `reduction`, combined with) the updates.

#include <algorithm>
#include <cstring>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

enum class Reduction { kNone, kAdd, kMul, kMax, kMin };

template <typename T, typename I>
class ScatterElementsKernel final : public Kernel {
 public:
  ScatterElementsKernel(const ir::Dims& data, const ir::Dims& indices, size_t axis, Reduction reduction, std::string label)
      : dims_(indices), data_strides_(contiguous_strides(data)), axis_(axis), axis_dim_(data[axis]), reduction_(reduction),
        label_(std::move(label)) {
    outputs_.push_back({dtype_of<T>(), data});
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    copy_if_distinct(inputs[0], outputs[0]);
    const I* idx = inputs[1].data<I>();
    const T* upd = inputs[2].data<T>();
    T* out = outputs[0].data<T>();
    const int64_t total = ir::element_count(dims_);
    const size_t r = dims_.size();
    std::array<int64_t, kMaxLoopRank> pos{};
    int64_t base = 0;
    const int64_t axis_stride = data_strides_[axis_];
    for (int64_t i = 0; i < total; ++i) {
      auto j = static_cast<int64_t>(idx[i]);
      if (j < 0) j += axis_dim_;
      if (j < 0 || j >= axis_dim_) throw_bad_input(label_ + ": index " + std::to_string(idx[i]) + " is out of range");
      T& o = out[base + j * axis_stride];
      const auto a = widen(o), b = widen(upd[i]);
      switch (reduction_) {
        case Reduction::kNone: o = upd[i]; break;
        case Reduction::kAdd: o = store_as<T>(a + b); break;
        case Reduction::kMul: o = store_as<T>(a * b); break;
        case Reduction::kMax: o = store_as<T>(std::max(a, b)); break;
        case Reduction::kMin: o = store_as<T>(std::min(a, b)); break;
      }
      for (size_t k = r; k-- > 0;) {
        if (++pos[k] < dims_[k]) {
          if (k != axis_) base += data_strides_[k];
          break;
        }
        if (k != axis_) base -= data_strides_[k] * (dims_[k] - 1);
        pos[k] = 0;
      }
    }
  }

 private:
  ir::Dims dims_;
  std::vector<int64_t> data_strides_;
  size_t axis_;
  int64_t axis_dim_;
  Reduction reduction_;
  std::string label_;
};

}  // namespace

/// ScatterElements: data with updates written at the indexed positions along `axis`.
std::unique_ptr<Kernel> create_scatter_elements_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_scatter_elements_kernel)) return deferred;
  check_input_count(init, 3, 3);
  const TensorInfo& data = init.inputs[0];
  const TensorInfo& indices = init.inputs[1];
  const TensorInfo& updates = init.inputs[2];
  if (updates.dims != indices.dims || updates.dtype != data.dtype) throw_invalid(init, "updates must match indices dims and data type");
  if (data.dims.size() != indices.dims.size()) throw_invalid(init, "data and indices ranks differ");
  if (data.dims.size() > kMaxLoopRank) throw_unsupported(init, "rank above 16 is not supported");
  const auto axis = static_cast<size_t>(normalize_axis(init, init.node.attr_int("axis", 0), static_cast<int64_t>(data.dims.size())));
  std::string name = init.node.attr_string("reduction", "none");
  Reduction reduction;
  if (name == "none") reduction = Reduction::kNone;
  else if (name == "add") reduction = Reduction::kAdd;
  else if (name == "mul") reduction = Reduction::kMul;
  else if (name == "max") reduction = Reduction::kMax;
  else if (name == "min") reduction = Reduction::kMin;
  else throw_unsupported(init, "reduction '" + name + "' is not supported");
  if (indices.dtype != ir::DataType::kInt64 && indices.dtype != ir::DataType::kInt32) throw_unsupported_type(init, indices.dtype, "indices");
  const bool i64 = indices.dtype == ir::DataType::kInt64;
  auto kernel = visit_dtype(data.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    if (i64) return std::make_unique<ScatterElementsKernel<T, int64_t>>(data.dims, indices.dims, axis, reduction, describe(init.node));
    return std::make_unique<ScatterElementsKernel<T, int32_t>>(data.dims, indices.dims, axis, reduction, describe(init.node));
  });
  if (!kernel) throw_unsupported_type(init, data.dtype, "input 0");
  return kernel;
}

/// Scatter (deprecated in opset 11): ScatterElements without reduction.
std::unique_ptr<Kernel> create_scatter_kernel(const KernelInit& init) { return create_scatter_elements_kernel(init); }

}  // namespace ramiel::runtime
