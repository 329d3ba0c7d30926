#pragma once
// Helpers for kernel unit tests: build a node, create its kernel through the registry as the
// session would, run it on given tensors and compare results.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ramiel/error.h"
#include "runtime/kernel.h"
#include "runtime/kernels/registry.h"

namespace ramiel::testing {

/// An attribute value for make_node().
inline ir::Attribute attr_int(int64_t v) {
  ir::Attribute a;
  a.type = ir::Attribute::Type::kInt;
  a.i = v;
  return a;
}
/// A float attribute.
inline ir::Attribute attr_float(float v) {
  ir::Attribute a;
  a.type = ir::Attribute::Type::kFloat;
  a.f = v;
  return a;
}
/// An int-list attribute.
inline ir::Attribute attr_ints(std::vector<int64_t> v) {
  ir::Attribute a;
  a.type = ir::Attribute::Type::kInts;
  a.ints = std::move(v);
  return a;
}
/// A float-list attribute.
inline ir::Attribute attr_floats(std::vector<float> v) {
  ir::Attribute a;
  a.type = ir::Attribute::Type::kFloats;
  a.floats = std::move(v);
  return a;
}
/// A string attribute.
inline ir::Attribute attr_string(std::string v) {
  ir::Attribute a;
  a.type = ir::Attribute::Type::kString;
  a.s = std::move(v);
  return a;
}
/// A tensor attribute.
inline ir::Attribute attr_tensor(ir::Tensor t) {
  ir::Attribute a;
  a.type = ir::Attribute::Type::kTensor;
  a.t = std::move(t);
  return a;
}

/// A node of `op` named "n" with `outputs` outputs (ids are placeholders; kernels only read counts).
inline ir::Node make_node(const std::string& op, std::map<std::string, ir::Attribute> attrs = {}, size_t outputs = 1) {
  ir::Node n;
  n.name = "n";
  n.op_type = op;
  n.attributes = std::move(attrs);
  for (size_t i = 0; i < outputs; ++i) n.outputs.push_back(static_cast<ir::ValueId>(i));
  return n;
}

/// Float tensor.
inline ir::Tensor f32(ir::Dims dims, std::vector<float> v) { return ir::Tensor::from(ir::DataType::kFloat32, std::move(dims), v); }
/// Double tensor.
inline ir::Tensor f64(ir::Dims dims, std::vector<double> v) { return ir::Tensor::from(ir::DataType::kFloat64, std::move(dims), v); }
/// int64 tensor.
inline ir::Tensor i64(ir::Dims dims, std::vector<int64_t> v) { return ir::Tensor::from(ir::DataType::kInt64, std::move(dims), v); }
/// int32 tensor.
inline ir::Tensor i32(ir::Dims dims, std::vector<int32_t> v) { return ir::Tensor::from(ir::DataType::kInt32, std::move(dims), v); }
/// bool tensor.
inline ir::Tensor boolean(ir::Dims dims, std::vector<uint8_t> v) { return ir::Tensor::from(ir::DataType::kBool, std::move(dims), v); }
/// An omitted optional input.
inline ir::Tensor absent() { return ir::Tensor(); }

/// Uniform random floats in [lo, hi).
inline ir::Tensor random_f32(ir::Dims dims, std::mt19937& rng, float lo = -2.0f, float hi = 2.0f) {
  ir::Tensor t(ir::DataType::kFloat32, std::move(dims));
  std::uniform_real_distribution<float> d(lo, hi);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

/// Which inputs the kernel sees as constants (TensorInfo::constant); default none.
struct RunOptions {
  std::vector<bool> constant;  ///< Per input.
  int64_t opset = 13;          ///< Opset of the node.
  bool alias_views = false;    ///< Give view outputs the input's storage (as the executor does) and skip run() if all are views.
  int threads = 1;             ///< KernelInit::threads.
};

/// Creates `node`'s kernel for `inputs` (their dtypes and dims; constants as `options` says),
/// computing `slice` of the output.
inline std::unique_ptr<runtime::Kernel> create_kernel(const ir::Node& node, const std::vector<ir::Tensor>& inputs,
                                                      const RunOptions& options, runtime::SliceSpec slice) {
  runtime::KernelFactory factory = runtime::find_kernel(node.op_type, node.domain);
  if (!factory) throw Error(ErrorKind::kUnsupported, "no kernel for " + node.op_type);
  runtime::KernelInit init{node, {}, options.opset, options.threads};
  init.slice = slice;
  for (size_t i = 0; i < inputs.size(); ++i) {
    runtime::TensorInfo info;
    if (inputs[i].raw() != nullptr) {
      info.dtype = inputs[i].dtype();
      info.dims = inputs[i].dims();
      if (i < options.constant.size() && options.constant[i]) info.constant = &inputs[i];
    }
    init.inputs.push_back(info);
  }
  return factory(init);
}

/// Creates `node`'s kernel from `inputs` and runs it once; returns the outputs.
inline std::vector<ir::Tensor> run_node(const ir::Node& node, const std::vector<ir::Tensor>& inputs, const RunOptions& options = {}) {
  std::unique_ptr<runtime::Kernel> kernel = create_kernel(node, inputs, options, {});
  const auto& infos = kernel->output_infos();
  std::vector<ir::Tensor> outputs(infos.size());
  bool all_views = !infos.empty();
  for (size_t i = 0; i < infos.size(); ++i) {
    const int view = kernel->view_of_input(i);
    if (view < 0) all_views = false;
    if (infos[i].dynamic) continue;
    if (options.alias_views && view >= 0) outputs[i] = inputs[static_cast<size_t>(view)].reshaped(infos[i].dims);
    else outputs[i] = ir::Tensor(infos[i].dtype, infos[i].dims);
  }
  if (!(options.alias_views && all_views)) kernel->run(inputs, outputs);
  for (size_t i = 0; i < infos.size(); ++i) {
    if (!infos[i].dynamic) {
      EXPECT_EQ(outputs[i].dims(), infos[i].dims) << "output " << i << " dims differ from output_infos()";
    }
    EXPECT_EQ(outputs[i].dtype(), infos[i].dtype) << "output " << i << " dtype differs from output_infos()";
  }
  return outputs;
}

/// Creates `count` kernels of `node` computing slices 0..count-1 (KernelInit::slice) and runs them
/// all into one output tensor first filled with NaN (so that a part no slice writes shows);
/// returns it. For single-output kernels that compute slices themselves.
inline ir::Tensor run_slices(const ir::Node& node, const std::vector<ir::Tensor>& inputs, const RunOptions& options, int count) {
  std::vector<ir::Tensor> outputs;
  for (int k = 0; k < count; ++k) {
    std::unique_ptr<runtime::Kernel> kernel = create_kernel(node, inputs, options, runtime::SliceSpec{k, count});
    if (outputs.empty()) {
      const runtime::TensorInfo& y = kernel->output_infos().at(0);
      outputs.emplace_back(y.dtype, y.dims);
      for (int64_t i = 0; i < outputs[0].size(); ++i) outputs[0].data<float>()[i] = std::numeric_limits<float>::quiet_NaN();
    }
    kernel->run(inputs, outputs);
  }
  return outputs.at(0);
}

/// Expects `got` to hold exactly the bytes of `want` (same dims and dtype): slices and threads
/// that must give the bits of one whole kernel.
inline void expect_same_bits(const ir::Tensor& got, const ir::Tensor& want) {
  ASSERT_EQ(got.dims(), want.dims());
  ASSERT_EQ(got.dtype(), want.dtype());
  EXPECT_EQ(std::memcmp(got.raw(), want.raw(), want.byte_size()), 0) << "the bits differ";
}

/// Runs a single-output node.
inline ir::Tensor run1(const ir::Node& node, const std::vector<ir::Tensor>& inputs, const RunOptions& options = {}) {
  return run_node(node, inputs, options).at(0);
}

/// Output infos of `node`'s kernel created with `inputs` (constant per `constant`); their
/// `constant` pointers dangle (the kernel is gone).
inline std::vector<runtime::TensorInfo> infos_of(const ir::Node& node, const std::vector<ir::Tensor>& inputs,
                                                 std::vector<bool> constant = {}, int64_t opset = 13) {
  runtime::KernelInit init{node, {}, opset, 1};
  for (size_t i = 0; i < inputs.size(); ++i) {
    runtime::TensorInfo info;
    if (inputs[i].raw() != nullptr) {
      info.dtype = inputs[i].dtype();
      info.dims = inputs[i].dims();
      if (i < constant.size() && constant[i]) info.constant = &inputs[i];
    }
    init.inputs.push_back(info);
  }
  return runtime::find_kernel(node.op_type, "")(init)->output_infos();
}

/// Error kind thrown by `f`, or nullopt if it does not throw a ramiel::Error.
template <typename F> std::optional<ErrorKind> error_kind(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  return std::nullopt;
}

/// Every element of `t` as double.
inline std::vector<double> values(const ir::Tensor& t) {
  std::vector<double> v;
  for (int64_t i = 0; i < t.size(); ++i) v.push_back(ir::element_as_double(t, i));
  return v;
}

/// Expects equal dtype and dims and elements within rtol/atol (NaN equals NaN).
inline void expect_tensor_near(const ir::Tensor& actual, const ir::Tensor& expected, double rtol = 1e-5, double atol = 1e-6) {
  ASSERT_EQ(actual.dtype(), expected.dtype());
  ASSERT_EQ(actual.dims(), expected.dims());
  for (int64_t i = 0; i < expected.size(); ++i) {
    double a = ir::element_as_double(actual, i), e = ir::element_as_double(expected, i);
    if (std::isnan(e)) {
      EXPECT_TRUE(std::isnan(a)) << "element " << i;
    } else if (std::isinf(e)) {
      EXPECT_EQ(a, e) << "element " << i;
    } else {
      EXPECT_NEAR(a, e, atol + rtol * std::abs(e)) << "element " << i;
    }
  }
}

/// Row-major multi-index of flat index `i` in `dims`.
inline std::vector<int64_t> unravel(int64_t i, const ir::Dims& dims) {
  std::vector<int64_t> idx(dims.size());
  for (size_t k = dims.size(); k-- > 0;) {
    idx[k] = dims[k] ? i % dims[k] : 0;
    i = dims[k] ? i / dims[k] : 0;
  }
  return idx;
}

/// Flat index in `dims` of the multi-index `idx` right-aligned and broadcast (size-1 dims read 0).
inline int64_t broadcast_index(const std::vector<int64_t>& idx, const ir::Dims& dims) {
  int64_t flat = 0;
  size_t pad = idx.size() - dims.size();
  for (size_t k = 0; k < dims.size(); ++k) flat = flat * dims[k] + (dims[k] == 1 ? 0 : idx[k + pad]);
  return flat;
}

}  // namespace ramiel::testing
