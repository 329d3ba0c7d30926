#pragma once
/// \file
/// The operator kernel interface. Every operator lives in its own file under runtime/kernels/,
/// validates its node and prepares everything once in its factory (create), and then only runs.

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"
#include "runtime/slicing.h"

namespace ramiel::runtime {

/// How the bytes of a rank-4 activation are arranged. The graph (and every TensorInfo::dims) always
/// speaks of logical NCHW dims; the other layouts store the same tensor channels-last or
/// channel-blocked, as oneDNN's convolutions prefer. Only kernels the session knows to be
/// layout-aware (runtime/layout.h) ever receive or produce them; every other kernel sees kPlain
/// (row-major in the order of `dims`).
enum class Layout : uint8_t {
  kPlain,    ///< Row-major in the order of `dims`.
  kNhwc,     ///< Rank 4: logical [N,C,H,W] stored as row-major [N,H,W,C].
  kNChw8c,   ///< Rank 4, C % 8 == 0: stored as row-major [N,C/8,H,W,8] (oneDNN nChw8c).
  kNChw16c,  ///< Rank 4, C % 16 == 0: stored as row-major [N,C/16,H,W,16] (oneDNN nChw16c).
};

/// An elementwise activation a kernel applies to its own output (operator fusion: the session
/// fuses a Relu or a constant Clip into the Conv that is its only producer, and the exported op
/// chain of an exact GELU into the MatMul before it; the fused nodes become views).
enum class FusedActivation : uint8_t {
  kNone,     ///< Nothing.
  kRelu,     ///< max(x, 0).
  kClip,     ///< min(max(x, KernelInit::clip_min), KernelInit::clip_max) (Relu6 in MobileNet).
  kGeluErf,  ///< x * (1 + erf(x / sqrt(2))) / 2, the exact GELU (BERT's feed-forward layers).
};

/// What is known about one kernel input or output when the kernel is created.
struct TensorInfo {
  ir::DataType dtype = ir::DataType::kUndefined;  ///< kUndefined for an omitted optional input.
  ir::Dims dims;                                  ///< Concrete dims (all >= 0) unless `dynamic`.
  bool dynamic = false;                           ///< Output only: dims known only after run().
  const ir::Tensor* constant = nullptr;           ///< The data, if the value is a constant (an output
                                                  ///< may set it to a tensor the kernel keeps alive).
  Layout layout = Layout::kPlain;                 ///< Byte arrangement (see Layout).

  /// True for an omitted optional input.
  bool absent() const { return dtype == ir::DataType::kUndefined; }
};

/// Everything a kernel factory receives.
struct KernelInit {
  const ir::Node& node;              ///< The node (attributes, name, op type).
  std::vector<TensorInfo> inputs;    ///< One per node input, in order.
  int64_t opset = 13;                ///< Opset of the node's domain.
  int threads = 1;                   ///< Threads the kernel may use; 1 = the calling thread only.
  /// Layout-aware kernels write rank-4 outputs in this layout when it is valid for their dims
  /// (runtime::choose_output_layout), else plain; output_infos() says which.
  Layout output_layout = Layout::kPlain;
  /// The part of the output this kernel computes (whole by default). A sliced kernel still reports
  /// the whole output in output_infos() and receives the whole output tensor in run(), but writes
  /// only its own part; kernels that cannot split throw kUnsupported.
  SliceSpec slice;
  /// Activation to apply to the output (only requested from kernels that support it: Conv, MatMul).
  FusedActivation activation = FusedActivation::kNone;
  float clip_min = 0;  ///< kClip: lower bound.
  float clip_max = 0;  ///< kClip: upper bound.
  /// Conv only: add input 3 (a tensor of the output's dims and layout) to the output before the
  /// activation (a residual Add fused into the convolution before it, as in ResNet).
  bool add_residual = false;
  /// Values to add along the output's last dim (only requested from kernels that support it:
  /// MatMul, for a fused bias Add); nullptr for none.
  const ir::Tensor* bias = nullptr;
  /// MatMul only: multiply the product (after the bias) by this (a Div or Mul by a scalar constant
  /// after the MatMul, fused in: attention's 1/sqrt(d)).
  float output_scale = 1;
  /// MatMul only, per operand (A, B; empty: none): read it through this Transpose permutation,
  /// ONNX semantics (operand dim d is dim perm[d] of the tensor passed), instead of a Transpose
  /// node before the MatMul writing the transposed copy.
  std::vector<std::vector<int64_t>> input_perms;
  /// MatMul only: write the output transposed by this permutation (empty: none), instead of a
  /// Transpose node after the MatMul; output_infos() then gives the transposed dims.
  std::vector<int64_t> output_perm;
};

/// A prepared operator. run() is called many times, possibly from different threads (never
/// concurrently on one instance), and must not allocate on the hot path unless its outputs are dynamic.
class Kernel {
 public:
  virtual ~Kernel() = default;

  /// Computes outputs from inputs. `inputs[i]` is an empty Tensor for an omitted optional input.
  /// For static outputs, `outputs[i]` is preallocated with the dims from output_infos(); for a
  /// dynamic output the kernel assigns a freshly allocated Tensor.
  virtual void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) = 0;

  /// Output types and dims decided at creation.
  const std::vector<TensorInfo>& output_infos() const { return outputs_; }

  /// If output `i` is a view of an input (same bytes, other dims: Reshape, Squeeze, Identity...),
  /// that input's index, else -1. The executor then skips run() for it and aliases the buffer.
  virtual int view_of_input(size_t output) const {
    (void)output;
    return -1;
  }

  /// Which implementation runs (e.g. oneDNN's "jit_wino_4x3:avx512_core" or ramiel's own), for
  /// benchmarks and diagnostics; empty where there is only one.
  virtual std::string implementation() const { return {}; }

 protected:
  /// Output infos, set by the factory.
  std::vector<TensorInfo> outputs_;
};

/// Creates a kernel for `init`; throws ramiel::Error(kUnsupported) naming what is unsupported.
using KernelFactory = std::unique_ptr<Kernel> (*)(const KernelInit& init);

}  // namespace ramiel::runtime
