#include "ir/tensor_proto.h"

#include <fstream>
#include <sstream>

#include "ir/onnx_convert.h"
#include "ramiel/error.h"

namespace ramiel::ir {

NamedTensor load_tensor_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kIo, "cannot open tensor file '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  onnx::TensorProto proto;
  if (!proto.ParseFromString(buffer.str())) {
    throw Error(ErrorKind::kInvalidModel, "'" + path + "' is not a serialized ONNX TensorProto");
  }
  return {proto.name(), tensor_from_proto(proto)};
}

void save_tensor_file(const std::string& path, const std::string& name, const Tensor& tensor) {
  onnx::TensorProto proto;
  tensor_to_proto(tensor, name, &proto);
  std::ofstream out(path, std::ios::binary);
  if (!out || !proto.SerializeToOstream(&out)) throw Error(ErrorKind::kIo, "cannot write tensor file '" + path + "'");
}

}  // namespace ramiel::ir
