#pragma once
/// \file
/// Weight formats shared by the Gemm and MatMul kernels.

#include <oneapi/dnnl/dnnl.hpp>

namespace ramiel::runtime {

/// Row-major [k, n] float weights.
inline dnnl::memory::desc b_row_major(dnnl::memory::dim k, dnnl::memory::dim n) {
  return dnnl::memory::desc({k, n}, dnnl::memory::data_type::f32, dnnl::memory::dims{n, 1});
}

/// Column-major [k, n] float weights (n rows of k contiguous values). Measured on AVX2, where
/// oneDNN 2.6 has no blocked matmul format and runs gemm:jit: 1.0-2.1x faster than row-major for
/// M >= 64 (BERT 128x768x3072: 10.3 vs 17.7 ms), equal within noise for M = 1.
inline dnnl::memory::desc b_col_major(dnnl::memory::dim k, dnnl::memory::dim n) {
  return dnnl::memory::desc({k, n}, dnnl::memory::data_type::f32, dnnl::memory::dims{1, k});
}

}  // namespace ramiel::runtime
