/// \file
/// GatherND (with batch_dims) and ScatterND (with reduction): index tuples in the last dim of
/// `indices` select slices of the data; each slice is one memcpy (or one combine loop).

#include <algorithm>
#include <cstring>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

/// Data offset (elements) of the slice named by the k-tuple at `tuple`, or throws for a bad index.
int64_t slice_offset(const int64_t* tuple, int64_t k, const ir::Dims& data, const std::vector<int64_t>& strides, size_t first_dim,
                     const std::string& label) {
  int64_t off = 0;
  for (int64_t j = 0; j < k; ++j) {
    const auto d = first_dim + static_cast<size_t>(j);
    int64_t i = tuple[j];
    if (i < 0) i += data[d];
    if (i < 0 || i >= data[d]) throw_bad_input(label + ": index " + std::to_string(tuple[j]) + " is out of range for dimension " + std::to_string(data[d]));
    off += i * strides[d];
  }
  return off;
}

class GatherNdKernel final : public Kernel {
 public:
  GatherNdKernel(ir::DataType dtype, const ir::Dims& data, const ir::Dims& indices, size_t batch_dims, std::string label)
      : data_(data), strides_(contiguous_strides(data)), batch_dims_(batch_dims), esize_(element_size(dtype)), label_(std::move(label)) {
    k_ = indices.back();
    ir::Dims out(indices.begin(), indices.end() - 1);
    out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(batch_dims + static_cast<size_t>(k_)), data.end());
    outputs_.push_back({dtype, out});
    slice_ = 1;
    for (size_t d = batch_dims + static_cast<size_t>(k_); d < data.size(); ++d) slice_ *= data[d];
    batches_ = 1;
    for (size_t d = 0; d < batch_dims; ++d) batches_ *= data[d];
    tuples_ = ir::element_count(ir::Dims(indices.begin(), indices.end() - 1));
    batch_stride_ = batch_dims == 0 ? 0 : strides_[batch_dims - 1];
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    std::vector<int64_t> idx = read_int64s(inputs[1]);
    const auto* x = static_cast<const std::byte*>(inputs[0].raw());
    auto* y = static_cast<std::byte*>(outputs[0].raw());
    const int64_t per_batch = batches_ ? tuples_ / batches_ : 0;
    const size_t bytes = static_cast<size_t>(slice_) * esize_;
    for (int64_t t = 0; t < tuples_; ++t) {
      const int64_t batch = per_batch ? t / per_batch : 0;
      const int64_t off = batch * batch_stride_ + slice_offset(idx.data() + t * k_, k_, data_, strides_, batch_dims_, label_);
      std::memcpy(y + static_cast<size_t>(t) * bytes, x + static_cast<size_t>(off) * esize_, bytes);
    }
  }

 private:
  ir::Dims data_;
  std::vector<int64_t> strides_;
  size_t batch_dims_;
  size_t esize_;
  std::string label_;
  int64_t k_ = 0, slice_ = 1, batches_ = 1, tuples_ = 0, batch_stride_ = 0;
};

enum class Reduction { kNone, kAdd, kMul, kMax, kMin };

template <typename T>
class ScatterNdKernel final : public Kernel {
 public:
  ScatterNdKernel(const ir::Dims& data, const ir::Dims& indices, Reduction reduction, std::string label)
      : data_(data), strides_(contiguous_strides(data)), reduction_(reduction), label_(std::move(label)) {
    outputs_.push_back({dtype_of<T>(), data});
    k_ = indices.back();
    tuples_ = ir::element_count(ir::Dims(indices.begin(), indices.end() - 1));
    for (size_t d = static_cast<size_t>(k_); d < data.size(); ++d) slice_ *= data[d];
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    copy_if_distinct(inputs[0], outputs[0]);
    std::vector<int64_t> idx = read_int64s(inputs[1]);
    const T* upd = inputs[2].data<T>();
    T* y = outputs[0].data<T>();
    for (int64_t t = 0; t < tuples_; ++t) {
      T* dst = y + slice_offset(idx.data() + t * k_, k_, data_, strides_, 0, label_);
      const T* src = upd + t * slice_;
      for (int64_t i = 0; i < slice_; ++i) {
        const auto a = widen(dst[i]), b = widen(src[i]);
        switch (reduction_) {
          case Reduction::kNone: dst[i] = src[i]; break;
          case Reduction::kAdd: dst[i] = store_as<T>(a + b); break;
          case Reduction::kMul: dst[i] = store_as<T>(a * b); break;
          case Reduction::kMax: dst[i] = store_as<T>(std::max(a, b)); break;
          case Reduction::kMin: dst[i] = store_as<T>(std::min(a, b)); break;
        }
      }
    }
  }

 private:
  ir::Dims data_;
  std::vector<int64_t> strides_;
  Reduction reduction_;
  std::string label_;
  int64_t k_ = 0, tuples_ = 0, slice_ = 1;
};

}  // namespace

/// GatherND: slices of the data addressed by the index tuples in the last dim of `indices`.
std::unique_ptr<Kernel> create_gather_nd_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_gather_nd_kernel)) return deferred;
  check_input_count(init, 2, 2);
  const TensorInfo& data = init.inputs[0];
  const TensorInfo& indices = init.inputs[1];
  if (element_size(data.dtype) == 0) throw_unsupported_type(init, data.dtype, "input 0");
  if (indices.dtype != ir::DataType::kInt64 && indices.dtype != ir::DataType::kInt32) throw_unsupported_type(init, indices.dtype, "indices");
  const int64_t b = init.node.attr_int("batch_dims", 0);
  if (indices.dims.empty() || b < 0 || static_cast<size_t>(b) >= indices.dims.size() ||
      static_cast<size_t>(b) + static_cast<size_t>(indices.dims.back()) > data.dims.size()) {
    throw_invalid(init, "indices " + ir::to_string(indices.dims) + " do not fit data " + ir::to_string(data.dims));
  }
  for (size_t d = 0; d < static_cast<size_t>(b); ++d) {
    if (indices.dims[d] != data.dims[d]) throw_invalid(init, "batch dims of data and indices differ");
  }
  return std::make_unique<GatherNdKernel>(data.dtype, data.dims, indices.dims, static_cast<size_t>(b), describe(init.node));
}

/// ScatterND: the data with the addressed slices replaced by (or combined with) the updates.
std::unique_ptr<Kernel> create_scatter_nd_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_scatter_nd_kernel)) return deferred;
  check_input_count(init, 3, 3);
  const TensorInfo& data = init.inputs[0];
  const TensorInfo& indices = init.inputs[1];
  const TensorInfo& updates = init.inputs[2];
  if (indices.dtype != ir::DataType::kInt64) throw_unsupported_type(init, indices.dtype, "indices");
  if (indices.dims.empty() || static_cast<size_t>(indices.dims.back()) > data.dims.size()) throw_invalid(init, "indices do not fit the data");
  ir::Dims want(indices.dims.begin(), indices.dims.end() - 1);
  want.insert(want.end(), data.dims.begin() + indices.dims.back(), data.dims.end());
  if (updates.dims != want || updates.dtype != data.dtype) throw_invalid(init, "updates must have dims " + ir::to_string(want) + " and the data's type");
  std::string name = init.node.attr_string("reduction", "none");
  Reduction reduction;
  if (name == "none") reduction = Reduction::kNone;
  else if (name == "add") reduction = Reduction::kAdd;
  else if (name == "mul") reduction = Reduction::kMul;
  else if (name == "max") reduction = Reduction::kMax;
  else if (name == "min") reduction = Reduction::kMin;
  else throw_unsupported(init, "reduction '" + name + "' is not supported");
  auto kernel = visit_dtype(data.dtype, std::unique_ptr<Kernel>{}, [&](auto tag) -> std::unique_ptr<Kernel> {
    using T = typename decltype(tag)::type;
    return std::make_unique<ScatterNdKernel<T>>(data.dims, indices.dims, reduction, describe(init.node));
  });
  if (!kernel) throw_unsupported_type(init, data.dtype, "input 0");
  return kernel;
}

}  // namespace ramiel::runtime
