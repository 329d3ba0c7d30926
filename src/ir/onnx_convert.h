#pragma once
/// \file
/// Conversions between ONNX protobuf messages and ramiel's IR pieces. Internal to ir/: only
/// files that already need the protobuf types include it.

#include <onnx/onnx_pb.h>

#include <string>

#include "ir/attribute.h"
#include "ir/tensor.h"

namespace ramiel::ir {

/// Converts a TensorProto to a Tensor; `base_dir` resolves external data. Throws kInvalidModel.
Tensor tensor_from_proto(const onnx::TensorProto& proto, const std::string& base_dir = "");

/// Fills `proto` (raw_data form) from `tensor`.
void tensor_to_proto(const Tensor& tensor, const std::string& name, onnx::TensorProto* proto);

/// Converts an AttributeProto; graph-valued and other unmodelled kinds keep their serialized bytes.
Attribute attribute_from_proto(const onnx::AttributeProto& proto);

/// Inverse of attribute_from_proto.
void attribute_to_proto(const std::string& name, const Attribute& attr, onnx::AttributeProto* proto);

}  // namespace ramiel::ir
