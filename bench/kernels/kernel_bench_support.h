#pragma once
// Shared by the kernel benchmarks: random inputs, node attributes, medians and the flags.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ir/attribute.h"
#include "ir/tensor.h"

namespace ramiel::bench {

/// An ints attribute.
inline ir::Attribute ints(std::vector<int64_t> v) {
  ir::Attribute a;
  a.type = ir::Attribute::Type::kInts;
  a.ints = std::move(v);
  return a;
}

/// An int attribute.
inline ir::Attribute one_int(int64_t v) {
  ir::Attribute a;
  a.type = ir::Attribute::Type::kInt;
  a.i = v;
  return a;
}

/// A float tensor of `dims` with values uniform in [-1, 1).
inline ir::Tensor random_tensor(const ir::Dims& dims, std::mt19937& rng) {
  ir::Tensor t(ir::DataType::kFloat32, dims);
  std::uniform_real_distribution<float> d(-1, 1);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

/// The median (upper of the middle two for an even count).
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// With --cold, walks 64 MiB before each timed run, as a model's other layers would evict the
/// kernel's weights; does nothing otherwise.
class CacheEvictor {
 public:
  /// Evicts when `on`.
  explicit CacheEvictor(bool on) : buffer_(on ? 64u << 20 : 0) {}
  /// Walks the buffer (one write per cache line).
  void operator()() {
    for (size_t i = 0; i < buffer_.size(); i += 64) buffer_[i] = static_cast<char>(buffer_[i] + 1);
  }

 private:
  std::vector<char> buffer_;
};

/// Runs per round, rounds, and whether --cold was given.
struct BenchFlags {
  int runs = 20, rounds = 5;
  int threads = 1;  ///< OpenMP threads each kernel may use (KernelInit::threads)
  bool cold = false;
};

/// Parses --runs N, --rounds R, --threads T and (if `allow_cold`) --cold; false on anything else.
inline bool parse_bench_flags(int argc, char** argv, bool allow_cold, BenchFlags& flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) {
      flags.runs = std::max(1, std::stoi(argv[++i]));
    } else if (a == "--rounds" && i + 1 < argc) {
      flags.rounds = std::max(1, std::stoi(argv[++i]));
    } else if (a == "--threads" && i + 1 < argc) {
      flags.threads = std::max(1, std::stoi(argv[++i]));
    } else if (a == "--cold" && allow_cold) {
      flags.cold = true;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace ramiel::bench
