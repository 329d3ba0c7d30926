#include "ir/tensor.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <cstring>
#include <new>

#include "ramiel/error.h"

namespace ramiel::ir {
namespace {

constexpr size_t kAlignment = 64;

std::shared_ptr<std::byte> allocate(size_t bytes) {
  // Round up so aligned_alloc's size requirement holds; never allocate 0 bytes.
  size_t rounded = ((bytes + kAlignment - 1) / kAlignment) * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  void* p = std::aligned_alloc(kAlignment, rounded);
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, rounded);
  return std::shared_ptr<std::byte>(static_cast<std::byte*>(p), [](std::byte* q) { std::free(q); });
}

uint16_t read_u16(const void* base, int64_t i) {
  uint16_t v;
  std::memcpy(&v, static_cast<const std::byte*>(base) + i * 2, 2);
  return v;
}

}  // namespace

int64_t element_count(const Dims& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

std::string to_string(const Dims& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ",";
    s += dims[i] < 0 ? std::string("?") : std::to_string(dims[i]);
  }
  return s + "]";
}

Tensor::Tensor(DataType dtype, Dims dims) : dtype_(dtype), dims_(std::move(dims)) {
  for (int64_t d : dims_) {
    if (d < 0) throw Error(ErrorKind::kInvalidArgument, "tensor dimension is negative: " + to_string(dims_));
  }
  data_ = allocate(byte_size());
}

Tensor Tensor::wrap(DataType dtype, Dims dims, void* data) {
  Tensor t;
  t.dtype_ = dtype;
  t.dims_ = std::move(dims);
  t.data_ = std::shared_ptr<std::byte>(static_cast<std::byte*>(data), [](std::byte*) {});
  return t;
}

Tensor Tensor::clone() const {
  Tensor t(dtype_, dims_);
  if (byte_size() > 0) std::memcpy(t.raw(), raw(), byte_size());
  return t;
}

Tensor Tensor::reshaped(Dims dims) const {
  if (element_count(dims) != size()) {
    throw Error(ErrorKind::kInvalidArgument, "cannot reshape " + to_string(dims_) + " to " + to_string(dims));
  }
  Tensor t = *this;
  t.dims_ = std::move(dims);
  return t;
}

double element_as_double(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DataType::kFloat32: return t.data<float>()[i];
    case DataType::kFloat64: return t.data<double>()[i];
    case DataType::kInt8: return t.data<int8_t>()[i];
    case DataType::kUint8: return t.data<uint8_t>()[i];
    case DataType::kInt16: return t.data<int16_t>()[i];
    case DataType::kUint16: return t.data<uint16_t>()[i];
    case DataType::kInt32: return t.data<int32_t>()[i];
    case DataType::kUint32: return t.data<uint32_t>()[i];
    case DataType::kInt64: return static_cast<double>(t.data<int64_t>()[i]);
    case DataType::kUint64: return static_cast<double>(t.data<uint64_t>()[i]);
    case DataType::kBool: return t.data<uint8_t>()[i] != 0 ? 1.0 : 0.0;
    case DataType::kFloat16: {
      uint16_t h = read_u16(t.raw(), i);
      uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
      double mag;
      if (exp == 0) mag = mant * (1.0 / (1 << 24));
      else if (exp == 31) mag = mant ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
      else mag = (1.0 + mant / 1024.0) * std::ldexp(1.0, static_cast<int>(exp) - 15);
      return sign ? -mag : mag;
    }
    case DataType::kBFloat16: {
      uint32_t bits = static_cast<uint32_t>(read_u16(t.raw(), i)) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    default:
      throw Error(ErrorKind::kUnsupported, std::string("cannot read elements of type ") + std::string(to_string(t.dtype())));
  }
}

int64_t element_as_int64(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DataType::kInt64: return t.data<int64_t>()[i];
    case DataType::kInt32: return t.data<int32_t>()[i];
    case DataType::kUint64: return static_cast<int64_t>(t.data<uint64_t>()[i]);
    default: return static_cast<int64_t>(element_as_double(t, i));
  }
}

}  // namespace ramiel::ir
