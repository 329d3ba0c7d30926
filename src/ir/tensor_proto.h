#pragma once
/// \file
/// Reading and writing ONNX TensorProto files (the layout of ONNX's test_data_set folders).

#include <string>

#include "ir/tensor.h"

namespace ramiel::ir {

/// A tensor together with the name it had in its TensorProto.
struct NamedTensor {
  std::string name;  ///< TensorProto.name (may be empty).
  Tensor tensor;     ///< The data.
};

/// Reads a serialized TensorProto file. Throws kIo for a missing file, kInvalidModel for bad content.
NamedTensor load_tensor_file(const std::string& path);

/// Writes `tensor` as a serialized TensorProto named `name`. Throws kIo on failure.
void save_tensor_file(const std::string& path, const std::string& name, const Tensor& tensor);

}  // namespace ramiel::ir
