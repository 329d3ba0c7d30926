#pragma once
/// \file
/// A dense, row-major host tensor: constants in the IR and buffers in the runtime.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ir/dtype.h"

namespace ramiel::ir {

/// Dimensions of a tensor; every entry is >= 0 for a concrete tensor.
using Dims = std::vector<int64_t>;

/// Number of elements of `dims` (1 for a scalar, 0 if any dimension is 0).
int64_t element_count(const Dims& dims);

/// "[1,3,224,224]" style rendering of dims; -1 prints as "?".
std::string to_string(const Dims& dims);

/// Dense row-major tensor with 64-byte aligned storage that may be shared with other tensors.
/// Copying a Tensor copies the handle, not the bytes (use clone() for a deep copy).
class Tensor {
 public:
  /// An empty float scalar with no storage.
  Tensor() = default;
  /// Allocates zero-initialised storage for `dims` elements of `dtype`.
  Tensor(DataType dtype, Dims dims);
  /// Wraps external memory that the caller keeps alive for the tensor's lifetime.
  static Tensor wrap(DataType dtype, Dims dims, void* data);

  /// Element type.
  DataType dtype() const { return dtype_; }
  /// Dimensions.
  const Dims& dims() const { return dims_; }
  /// Number of dimensions.
  size_t rank() const { return dims_.size(); }
  /// Number of elements.
  int64_t size() const { return element_count(dims_); }
  /// Size of the data in bytes.
  size_t byte_size() const { return static_cast<size_t>(size()) * element_size(dtype_); }
  /// Untyped pointer to the first element (nullptr if there is no storage).
  void* raw() { return data_.get(); }
  /// Untyped pointer to the first element (nullptr if there is no storage).
  const void* raw() const { return data_.get(); }
  /// Typed pointer; the caller is responsible for T matching dtype().
  template <typename T> T* data() { return static_cast<T*>(raw()); }
  /// Typed pointer; the caller is responsible for T matching dtype().
  template <typename T> const T* data() const { return static_cast<const T*>(raw()); }
  /// Typed view of all elements.
  template <typename T> std::span<const T> values() const { return {data<T>(), static_cast<size_t>(size())}; }
  /// Deep copy with its own storage.
  Tensor clone() const;
  /// Same storage seen with other dims of the same element count.
  Tensor reshaped(Dims dims) const;
  /// Points this tensor (keeping its dtype and dims) at `byte_offset` bytes into `base`'s storage,
  /// sharing its ownership. Allocates nothing, so kernels may re-aim views on their hot path.
  void view_into(const Tensor& base, size_t byte_offset) {
    data_ = std::shared_ptr<std::byte>(base.data_, base.data_.get() + byte_offset);
  }

  /// Builds a tensor from a vector of values (dims must match the count).
  template <typename T>
  static Tensor from(DataType dtype, Dims dims, const std::vector<T>& values) {
    Tensor t(dtype, std::move(dims));
    std::copy(values.begin(), values.end(), t.data<T>());
    return t;
  }

 private:
  DataType dtype_ = DataType::kFloat32;
  Dims dims_;
  std::shared_ptr<std::byte> data_;
};

/// Reads element `i` of a numeric tensor as double (for printing, comparisons and shape math).
double element_as_double(const Tensor& t, int64_t i);
/// Reads element `i` of an integer or bool tensor as int64.
int64_t element_as_int64(const Tensor& t, int64_t i);

}  // namespace ramiel::ir
