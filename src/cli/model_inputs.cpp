#include "cli/model_inputs.h"

#include <filesystem>
#include <random>

#include "ramiel/error.h"
#include "runtime/layout.h"
#include "runtime/kernels/kernel_util.h"

namespace ramiel::cli {

std::vector<ir::NamedTensor> load_numbered_tensors(const std::string& dir, const std::string& prefix) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) throw Error(ErrorKind::kIo, "not a folder: " + dir);
  std::vector<ir::NamedTensor> out;
  for (int i = 0;; ++i) {
    fs::path p = fs::path(dir) / (prefix + "_" + std::to_string(i) + ".pb");
    if (!fs::exists(p)) break;
    out.push_back(ir::load_tensor_file(p.string()));
  }
  if (out.empty()) throw Error(ErrorKind::kIo, "no " + prefix + "_0.pb in " + dir);
  return out;
}

std::vector<ir::Tensor> order_as_graph_inputs(const ir::Graph& graph, const std::vector<ir::NamedTensor>& tensors) {
  const auto& ins = graph.inputs();
  if (tensors.size() != ins.size()) {
    throw Error(ErrorKind::kInvalidArgument, "model takes " + std::to_string(ins.size()) + " inputs, the folder has " +
                                                 std::to_string(tensors.size()));
  }
  std::vector<ir::Tensor> out(ins.size());
  bool by_name = true;
  for (size_t i = 0; i < ins.size() && by_name; ++i) {
    bool found = false;
    for (const auto& t : tensors) found = found || t.name == graph.value(ins[i]).name;
    by_name = found;
  }
  for (size_t i = 0; i < ins.size(); ++i) {
    if (!by_name) {
      out[i] = tensors[i].tensor;
      continue;
    }
    for (const auto& t : tensors) {
      if (t.name == graph.value(ins[i]).name) out[i] = t.tensor;
    }
  }
  return out;
}

std::map<std::string, ir::Dims> concrete_input_dims(const ir::Graph& graph, const std::vector<ir::Tensor>* given) {
  std::map<std::string, ir::Dims> dims;
  for (size_t i = 0; i < graph.inputs().size(); ++i) {
    const ir::Value& v = graph.value(graph.inputs()[i]);
    if (v.has_static_shape()) continue;
    if (given != nullptr && i < given->size()) {
      dims[v.name] = (*given)[i].dims();
    } else if (v.shape) {
      ir::Dims d = *v.shape;
      for (int64_t& x : d) x = x < 0 ? 1 : x;
      dims[v.name] = d;
    }
  }
  return dims;
}

runtime::SessionOptions session_options_for_layout(const std::string& name) {
  runtime::SessionOptions o;
  if (name == "auto") return o;
  for (runtime::Layout l : {runtime::Layout::kPlain, runtime::Layout::kNhwc, runtime::Layout::kNChw8c, runtime::Layout::kNChw16c}) {
    if (name == runtime::to_string(l)) {
      o.activation_layout = l;
      return o;
    }
  }
  throw Error(ErrorKind::kInvalidArgument, "--layout " + name + ": expected one of " + kLayoutChoices);
}

ir::Tensor random_tensor(ir::DataType dtype, const ir::Dims& dims, uint64_t seed) {
  ir::Tensor t(dtype, dims);
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const auto n = static_cast<size_t>(t.size());
  switch (dtype) {
    case ir::DataType::kFloat32:
      for (size_t i = 0; i < n; ++i) t.data<float>()[i] = normal(rng);
      break;
    case ir::DataType::kFloat64:
      for (size_t i = 0; i < n; ++i) t.data<double>()[i] = normal(rng);
      break;
    case ir::DataType::kFloat16:
      for (size_t i = 0; i < n; ++i) t.data<uint16_t>()[i] = runtime::float_to_half(normal(rng));
      break;
    case ir::DataType::kInt64:
      for (size_t i = 0; i < n; ++i) t.data<int64_t>()[i] = static_cast<int64_t>(rng() & 1);
      break;
    case ir::DataType::kInt32:
      for (size_t i = 0; i < n; ++i) t.data<int32_t>()[i] = static_cast<int32_t>(rng() & 1);
      break;
    case ir::DataType::kInt8:
    case ir::DataType::kUint8:
    case ir::DataType::kBool:
      for (size_t i = 0; i < n; ++i) t.data<uint8_t>()[i] = static_cast<uint8_t>(rng() & 1);
      break;
    default:
      throw Error(ErrorKind::kUnsupported, "random inputs of type " + std::string(ir::to_string(dtype)) +
                                               " are not supported; give --inputs");
  }
  return t;
}

}  // namespace ramiel::cli
