/// \file
/// Trilu: keeps the upper (j - i >= k) or lower (j - i <= k) triangle of the last two dims and
/// zeroes the rest; k is an optional scalar input read on each run when not constant.

#include <algorithm>
#include <cstring>

#include "runtime/kernels/kernel_util.h"

namespace ramiel::runtime {
namespace {

class TriluKernel final : public Kernel {
 public:
  TriluKernel(ir::DataType dtype, const ir::Dims& dims, bool upper, std::optional<int64_t> k) : upper_(upper), k_(k) {
    outputs_.push_back({dtype, dims});
    esize_ = element_size(dtype);
    rows_ = dims.size() >= 2 ? dims[dims.size() - 2] : 1;
    cols_ = dims.empty() ? 1 : dims.back();
    const int64_t per = rows_ * cols_;
    batch_ = per == 0 ? 0 : ir::element_count(dims) / per;
  }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    const int64_t k = k_ ? *k_ : (inputs.size() > 1 && inputs[1].raw() ? ir::element_as_int64(inputs[1], 0) : 0);
    const auto* x = static_cast<const std::byte*>(inputs[0].raw());
    auto* y = static_cast<std::byte*>(outputs[0].raw());
    const auto row_bytes = static_cast<size_t>(cols_) * esize_;
    for (int64_t b = 0; b < batch_; ++b) {
      for (int64_t i = 0; i < rows_; ++i) {
        const size_t off = static_cast<size_t>(b * rows_ + i) * row_bytes;
        // Kept columns: [max(0, i + k), cols) for upper, [0, min(cols, i + k + 1)) for lower.
        const int64_t lo = upper_ ? std::clamp<int64_t>(i + k, 0, cols_) : 0;
        const int64_t hi = upper_ ? cols_ : std::clamp<int64_t>(i + k + 1, 0, cols_);
        std::memset(y + off, 0, row_bytes);
        if (hi > lo) {
          const auto from = static_cast<size_t>(lo) * esize_;
          std::memcpy(y + off + from, x + off + from, static_cast<size_t>(hi - lo) * esize_);
        }
      }
    }
  }

 private:
  bool upper_;
  std::optional<int64_t> k_;
  size_t esize_ = 0;
  int64_t rows_ = 0, cols_ = 0, batch_ = 0;
};

}  // namespace

/// Trilu: upper (default) or lower triangular part of the last two dims.
std::unique_ptr<Kernel> create_trilu_kernel(const KernelInit& init) {
  if (auto deferred = defer_if_dynamic(init, dtypes_like_input(init, 0), create_trilu_kernel)) return deferred;
  check_input_count(init, 1, 2);
  const TensorInfo& x = init.inputs[0];
  if (x.dims.size() < 2) throw_invalid(init, "input must have rank 2 or more");
  if (element_size(x.dtype) == 0) throw_unsupported_type(init, x.dtype, "input 0");
  std::optional<int64_t> k = 0;
  if (has_input(init, 1)) {
    if (init.inputs[1].constant) k = ir::element_as_int64(*init.inputs[1].constant, 0);
    else k = std::nullopt;
  }
  return std::make_unique<TriluKernel>(x.dtype, x.dims, init.node.attr_int("upper", 1) != 0, k);
}

}  // namespace ramiel::runtime
