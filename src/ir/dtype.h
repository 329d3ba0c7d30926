#pragma once
/// \file
/// Element types of tensors, numbered as ONNX's TensorProto.DataType so conversion is a cast.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ramiel::ir {

/// Tensor element type; the values equal ONNX's TensorProto::DataType.
enum class DataType : int32_t {
  kUndefined = 0,
  kFloat32 = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kFloat64 = 11,
  kUint32 = 12,
  kUint64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBFloat16 = 16,
};

/// Size of one element in bytes (0 for kUndefined and kString, whose size is not fixed).
size_t element_size(DataType type);

/// ONNX-style name: "float", "int64", "bool", ...
std::string_view to_string(DataType type);

/// True for the types ONNX defines (1..16).
bool is_valid(int32_t onnx_type);

}  // namespace ramiel::ir
