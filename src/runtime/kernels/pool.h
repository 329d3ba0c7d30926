#pragma once
/// \file
/// Which code runs a 2-D MaxPool or AveragePool (pool.cpp): ramiel's own loops or oneDNN's. A
/// process-wide switch for benchmarks and tests; sessions take what is set when their kernels
/// are created.

namespace ramiel::runtime {

/// Who pools a float 2-D window without dilation.
enum class PoolCode {
  kAuto,    ///< ramiel's loops where they are faster (plain NCHW; every layout unless oneDNN runs AVX-512).
  kLoops,   ///< ramiel's loops on one thread (oneDNN for several threads or what the loops cannot do).
  kOneDnn,  ///< oneDNN's pooling.
};

/// Sets who pools (kAuto by default).
void set_pool_code(PoolCode code);
/// Who pools now.
PoolCode pool_code();

}  // namespace ramiel::runtime
