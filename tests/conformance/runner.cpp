#include "conformance/runner.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "ir/onnx_import.h"
#include "ir/tensor_proto.h"
#include "ramiel/error.h"
#include "runtime/kernels/registry.h"
#include "passes/pipeline.h"
#include "runtime/session.h"

namespace ramiel::conformance {
namespace {

bool is_float(ir::DataType t) {
  return t == ir::DataType::kFloat32 || t == ir::DataType::kFloat64 || t == ir::DataType::kFloat16 || t == ir::DataType::kBFloat16;
}

/// "" if `actual` matches `expected`, else a one-line description of the first mismatch.
std::string compare(const ir::Tensor& actual, const ir::Tensor& expected) {
  if (actual.dtype() != expected.dtype()) {
    return "dtype " + std::string(ir::to_string(actual.dtype())) + ", expected " + std::string(ir::to_string(expected.dtype()));
  }
  if (actual.dims() != expected.dims()) return "dims " + ir::to_string(actual.dims()) + ", expected " + ir::to_string(expected.dims());
  int64_t bad = 0, first = -1;
  for (int64_t i = 0; i < expected.size(); ++i) {
    bool ok;
    if (is_float(expected.dtype())) {
      double a = ir::element_as_double(actual, i), e = ir::element_as_double(expected, i);
      if (std::isnan(e) || std::isnan(a)) ok = std::isnan(e) && std::isnan(a);
      else if (std::isinf(e) || std::isinf(a)) ok = a == e;
      else ok = std::abs(a - e) <= kAtol + kRtol * std::abs(e);
    } else {
      ok = ir::element_as_int64(actual, i) == ir::element_as_int64(expected, i);
    }
    if (!ok) {
      if (first < 0) first = i;
      ++bad;
    }
  }
  if (bad == 0) return "";
  std::ostringstream s;
  s << bad << " of " << expected.size() << " elements differ; first at " << first << ": got "
    << ir::element_as_double(actual, first) << ", expected " << ir::element_as_double(expected, first);
  return s.str();
}

/// Loads prefix_0.pb ... for `values`. libonnx-testdata 1.12 stores bfloat16 data as uint16
/// tensors of the raw bits; those are read back as the bfloat16 the model declares.
std::vector<ir::Tensor> load_numbered(const ir::Graph& graph, const std::vector<ir::ValueId>& values,
                                      const std::filesystem::path& dir, const std::string& prefix) {
  std::vector<ir::Tensor> out;
  for (size_t i = 0; i < values.size(); ++i) {
    auto path = dir / (prefix + "_" + std::to_string(i) + ".pb");
    ir::Tensor t = ir::load_tensor_file(path.string()).tensor;
    if (graph.value(values[i]).dtype == ir::DataType::kBFloat16 && t.dtype() == ir::DataType::kUint16) {
      ir::Tensor bf(ir::DataType::kBFloat16, t.dims());
      if (t.byte_size() > 0) std::memcpy(bf.raw(), t.raw(), t.byte_size());
      t = bf;
    }
    out.push_back(t);
  }
  return out;
}

}  // namespace

const char* to_string(Status status) {
  switch (status) {
    case Status::kPassed: return "passed";
    case Status::kFailed: return "failed";
    case Status::kUnsupported: return "unsupported";
    case Status::kSkipped: return "skipped";
  }
  return "?";
}

std::map<std::string, std::string> read_skip_list(const std::filesystem::path& path) {
  std::map<std::string, std::string> skips;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream s(line);
    std::string name, reason;
    if (!(s >> name)) continue;
    std::getline(s, reason);
    reason.erase(0, reason.find_first_not_of(" \t"));
    skips[name] = reason;
  }
  return skips;
}

CaseResult run_case(const std::filesystem::path& dir, bool prune) {
  CaseResult r;
  r.name = dir.filename().string();
  ir::Graph graph;
  try {
    graph = ir::import_onnx_file((dir / "model.onnx").string());
  } catch (const Error& e) {
    r.detail = std::string("import: ") + e.what();
    return r;
  }
  if (prune) {
    try {
      passes::pruning_pipeline().run(graph);
    } catch (const Error& e) {
      r.detail = std::string("pruning: ") + e.what();
      return r;
    }
  }
  std::set<std::string> ops, missing;
  for (const ir::Node& n : graph.nodes()) {
    if (n.removed) continue;
    std::string op = n.domain.empty() ? n.op_type : n.domain + "." + n.op_type;
    ops.insert(op);
    if (runtime::find_kernel(n.op_type, n.domain) == nullptr) missing.insert(op);
  }
  r.ops.assign(ops.begin(), ops.end());
  if (!missing.empty()) {
    r.status = Status::kUnsupported;
    for (const auto& op : missing) r.detail += (r.detail.empty() ? "no kernel for " : ", ") + op;
    return r;
  }
  for (ir::ValueId id : graph.inputs()) {
    if (graph.value(id).dtype == ir::DataType::kUndefined || graph.value(id).dtype == ir::DataType::kString) {
      r.status = Status::kUnsupported;
      r.detail = "input '" + graph.value(id).name + "' is not a numeric tensor";
      return r;
    }
  }
  for (ir::ValueId id : graph.outputs()) {
    if (graph.value(id).dtype == ir::DataType::kUndefined || graph.value(id).dtype == ir::DataType::kString) {
      r.status = Status::kUnsupported;
      r.detail = "output '" + graph.value(id).name + "' is not a numeric tensor";
      return r;
    }
  }
  const std::filesystem::path data = dir / "test_data_set_0";
  std::vector<ir::Tensor> inputs, expected;
  try {
    inputs = load_numbered(graph, graph.inputs(), data, "input");
    expected = load_numbered(graph, graph.outputs(), data, "output");
  } catch (const Error& e) {
    r.status = e.kind() == ErrorKind::kUnsupported ? Status::kUnsupported : Status::kFailed;
    r.detail = std::string("test data: ") + e.what();
    return r;
  }
  runtime::SessionOptions options;
  for (size_t i = 0; i < inputs.size(); ++i) options.input_dims[graph.value(graph.inputs()[i]).name] = inputs[i].dims();
  std::vector<ir::Tensor> outputs;
  try {
    runtime::Session session(std::move(graph), options);
    outputs = session.run(inputs);
  } catch (const Error& e) {
    r.status = e.kind() == ErrorKind::kUnsupported ? Status::kUnsupported : Status::kFailed;
    r.detail = e.what();
    return r;
  } catch (const std::exception& e) {
    r.detail = std::string("exception: ") + e.what();
    return r;
  }
  if (outputs.size() != expected.size()) {
    r.detail = "got " + std::to_string(outputs.size()) + " outputs, expected " + std::to_string(expected.size());
    return r;
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::string diff = compare(outputs[i], expected[i]);
    if (!diff.empty()) {
      r.detail = "output " + std::to_string(i) + ": " + diff;
      return r;
    }
  }
  r.status = Status::kPassed;
  return r;
}

}  // namespace ramiel::conformance
