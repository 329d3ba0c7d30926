#include "ir/onnx_convert.h"

#include <cstring>
#include <fstream>
#include <sstream>

#include "ramiel/error.h"

namespace ramiel::ir {
namespace {

[[noreturn]] void bad_tensor(const onnx::TensorProto& proto, const std::string& why) {
  throw Error(ErrorKind::kInvalidModel, "tensor '" + proto.name() + "': " + why);
}

/// Copies a repeated proto field into the tensor, converting each element to T.
template <typename T, typename Field>
void copy_field(const Field& field, Tensor& t, const onnx::TensorProto& proto) {
  if (static_cast<int64_t>(field.size()) != t.size()) {
    bad_tensor(proto, "has " + std::to_string(field.size()) + " values for shape " + to_string(t.dims()));
  }
  T* out = t.data<T>();
  for (int i = 0; i < field.size(); ++i) out[i] = static_cast<T>(field.Get(i));
}

std::string read_external(const onnx::TensorProto& proto, const std::string& base_dir, size_t want) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : proto.external_data()) {
    if (kv.key() == "location") location = kv.value();
    else if (kv.key() == "offset") offset = std::stoll(kv.value());
    else if (kv.key() == "length") length = std::stoll(kv.value());
  }
  if (location.empty()) bad_tensor(proto, "external data without a location");
  std::string path = base_dir.empty() ? location : base_dir + "/" + location;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kIo, "cannot open external data file '" + path + "' of tensor '" + proto.name() + "'");
  in.seekg(offset);
  size_t n = length >= 0 ? static_cast<size_t>(length) : want;
  std::string bytes(n, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(n));
  if (static_cast<size_t>(in.gcount()) != n) bad_tensor(proto, "external data file '" + path + "' is truncated");
  return bytes;
}

}  // namespace

Tensor tensor_from_proto(const onnx::TensorProto& proto, const std::string& base_dir) {
  if (!proto.has_data_type() || !is_valid(proto.data_type())) bad_tensor(proto, "has an invalid data type");
  auto dtype = static_cast<DataType>(proto.data_type());
  Dims dims(proto.dims().begin(), proto.dims().end());
  for (int64_t d : dims) {
    if (d < 0) bad_tensor(proto, "has a negative dimension");
  }
  if (dtype == DataType::kString) {
    // Strings have no fixed size; ramiel keeps only their shape.
    return Tensor(dtype, dims);
  }
  Tensor t(dtype, dims);
  const size_t bytes = t.byte_size();
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string raw = read_external(proto, base_dir, bytes);
    if (raw.size() != bytes) bad_tensor(proto, "external data has " + std::to_string(raw.size()) + " bytes, expected " + std::to_string(bytes));
    std::memcpy(t.raw(), raw.data(), bytes);
    return t;
  }
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != bytes) {
      bad_tensor(proto, "raw_data has " + std::to_string(proto.raw_data().size()) + " bytes, expected " + std::to_string(bytes));
    }
    if (bytes) std::memcpy(t.raw(), proto.raw_data().data(), bytes);
    return t;
  }
  switch (dtype) {
    case DataType::kFloat32: copy_field<float>(proto.float_data(), t, proto); break;
    case DataType::kFloat64: copy_field<double>(proto.double_data(), t, proto); break;
    case DataType::kInt64: copy_field<int64_t>(proto.int64_data(), t, proto); break;
    case DataType::kUint32: copy_field<uint32_t>(proto.uint64_data(), t, proto); break;
    case DataType::kUint64: copy_field<uint64_t>(proto.uint64_data(), t, proto); break;
    case DataType::kInt32: copy_field<int32_t>(proto.int32_data(), t, proto); break;
    case DataType::kInt16: copy_field<int16_t>(proto.int32_data(), t, proto); break;
    case DataType::kUint16: case DataType::kFloat16: case DataType::kBFloat16:
      copy_field<uint16_t>(proto.int32_data(), t, proto); break;
    case DataType::kInt8: copy_field<int8_t>(proto.int32_data(), t, proto); break;
    case DataType::kUint8: case DataType::kBool: copy_field<uint8_t>(proto.int32_data(), t, proto); break;
    case DataType::kComplex64: copy_field<float>(proto.float_data(), t, proto); break;
    default: bad_tensor(proto, std::string("has unsupported data type ") + std::string(to_string(dtype)));
  }
  return t;
}

void tensor_to_proto(const Tensor& tensor, const std::string& name, onnx::TensorProto* proto) {
  proto->Clear();
  proto->set_name(name);
  proto->set_data_type(static_cast<int32_t>(tensor.dtype()));
  for (int64_t d : tensor.dims()) proto->add_dims(d);
  if (tensor.byte_size()) proto->set_raw_data(tensor.raw(), tensor.byte_size());
}

Attribute attribute_from_proto(const onnx::AttributeProto& proto) {
  Attribute a;
  a.type = static_cast<Attribute::Type>(proto.type());
  switch (proto.type()) {
    case onnx::AttributeProto::FLOAT: a.f = proto.f(); break;
    case onnx::AttributeProto::INT: a.i = proto.i(); break;
    case onnx::AttributeProto::STRING: a.s = proto.s(); break;
    case onnx::AttributeProto::TENSOR: a.t = tensor_from_proto(proto.t()); break;
    case onnx::AttributeProto::FLOATS: a.floats.assign(proto.floats().begin(), proto.floats().end()); break;
    case onnx::AttributeProto::INTS: a.ints.assign(proto.ints().begin(), proto.ints().end()); break;
    case onnx::AttributeProto::STRINGS: a.strings.assign(proto.strings().begin(), proto.strings().end()); break;
    case onnx::AttributeProto::TENSORS:
      for (const auto& t : proto.tensors()) a.tensors.push_back(tensor_from_proto(t));
      break;
    case onnx::AttributeProto::GRAPH: a.graph_count = 1; a.serialized = proto.SerializeAsString(); break;
    case onnx::AttributeProto::GRAPHS: a.graph_count = proto.graphs_size(); a.serialized = proto.SerializeAsString(); break;
    default: a.serialized = proto.SerializeAsString(); break;
  }
  return a;
}

void attribute_to_proto(const std::string& name, const Attribute& attr, onnx::AttributeProto* proto) {
  if (!attr.serialized.empty()) {
    proto->ParseFromString(attr.serialized);
    return;
  }
  proto->Clear();
  proto->set_name(name);
  proto->set_type(static_cast<onnx::AttributeProto::AttributeType>(attr.type));
  switch (attr.type) {
    case Attribute::Type::kFloat: proto->set_f(attr.f); break;
    case Attribute::Type::kInt: proto->set_i(attr.i); break;
    case Attribute::Type::kString: proto->set_s(attr.s); break;
    case Attribute::Type::kTensor: tensor_to_proto(attr.t, "", proto->mutable_t()); break;
    case Attribute::Type::kFloats: for (float f : attr.floats) proto->add_floats(f); break;
    case Attribute::Type::kInts: for (int64_t i : attr.ints) proto->add_ints(i); break;
    case Attribute::Type::kStrings: for (const auto& s : attr.strings) proto->add_strings(s); break;
    case Attribute::Type::kTensors: for (const auto& t : attr.tensors) tensor_to_proto(t, "", proto->add_tensors()); break;
    default: break;
  }
}

}  // namespace ramiel::ir
