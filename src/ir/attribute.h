#pragma once
/// \file
/// Node attributes, one variant per ONNX AttributeProto type.

#include <cstdint>
#include <string>
#include <vector>

#include "ir/tensor.h"

namespace ramiel::ir {

/// An ONNX attribute. Exactly the field named by `type` is meaningful.
struct Attribute {
  /// Which field holds the value; numbering follows ONNX's AttributeProto.AttributeType.
  enum class Type { kUndefined = 0, kFloat = 1, kInt = 2, kString = 3, kTensor = 4, kGraph = 5,
                    kFloats = 6, kInts = 7, kStrings = 8, kTensors = 9, kGraphs = 10,
                    kSparseTensor = 11, kSparseTensors = 12, kTypeProto = 13, kTypeProtos = 14 };
  Type type = Type::kUndefined;      ///< Kind of value.
  float f = 0.0f;                    ///< kFloat.
  int64_t i = 0;                     ///< kInt.
  std::string s;                     ///< kString (raw bytes).
  Tensor t;                          ///< kTensor.
  std::vector<float> floats;         ///< kFloats.
  std::vector<int64_t> ints;         ///< kInts.
  std::vector<std::string> strings;  ///< kStrings.
  std::vector<Tensor> tensors;       ///< kTensors.
  int32_t graph_count = 0;           ///< kGraph/kGraphs: subgraphs are kept opaque, only counted.
  std::string serialized;            ///< Kinds ramiel does not model (graphs, sparse, types): the AttributeProto bytes, for export.
};

}  // namespace ramiel::ir
