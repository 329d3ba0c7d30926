#include "runtime/kernels/dnnl_common.h"

#include <omp.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "ramiel/error.h"

namespace ramiel::runtime::dnnl_util {

const dnnl::engine& engine() {
  static const dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

bool onednn_uses_avx512() {
  static const bool avx512 = [] {
    const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
    const auto core = static_cast<unsigned>(dnnl::cpu_isa::avx512_core);  // ISA values are feature bit sets
    return (isa & core) == core;
  }();
  return avx512;
}

dnnl::memory::data_type data_type(ir::DataType type, const std::string& what) {
  switch (type) {
    case ir::DataType::kFloat32: return dnnl::memory::data_type::f32;
    case ir::DataType::kFloat16: return dnnl::memory::data_type::f16;
    case ir::DataType::kInt32: return dnnl::memory::data_type::s32;
    case ir::DataType::kInt8: return dnnl::memory::data_type::s8;
    case ir::DataType::kUint8: return dnnl::memory::data_type::u8;
    default:
      throw Error(ErrorKind::kUnsupported, what + ": element type " + std::string(ir::to_string(type)) +
                                               " is not supported");
  }
}

dnnl::memory::dims dims(const ir::Dims& d) { return dnnl::memory::dims(d.begin(), d.end()); }

dnnl::memory::dims plain_strides(const ir::Dims& d) {
  dnnl::memory::dims s(d.size(), 1);
  for (size_t i = d.size(); i-- > 1;) s[i - 1] = s[i] * std::max<int64_t>(d[i], 1);
  return s;
}

dnnl::memory::desc md(const ir::Dims& d, ir::DataType type, Layout layout) {
  auto dt = data_type(type, "tensor");
  if (d.empty()) return dnnl::memory::desc({1}, dt, dnnl::memory::dims{1});
  if (d.size() == 4 && layout != Layout::kPlain) {
    using Tag = dnnl::memory::format_tag;
    const Tag tag = layout == Layout::kNhwc ? Tag::nhwc : layout == Layout::kNChw8c ? Tag::nChw8c : Tag::nChw16c;
    return dnnl::memory::desc(dims(d), dt, tag);
  }
  return dnnl::memory::desc(dims(d), dt, plain_strides(d));
}

dnnl::memory::desc md(const TensorInfo& info) { return md(info.dims, info.dtype, info.layout); }

ThreadScope::ThreadScope(int threads) : previous_(omp_get_max_threads()) {
  if (previous_ != threads) omp_set_num_threads(threads);
}

ThreadScope::~ThreadScope() {
  if (omp_get_max_threads() != previous_) omp_set_num_threads(previous_);
}

AlignedBuffer::AlignedBuffer(size_t bytes) : size_(bytes) {
  if (bytes == 0) return;
  size_t rounded = (bytes + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, rounded);
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, rounded);
  data_.reset(p);
}

void AlignedBuffer::Free::operator()(void* p) const { std::free(p); }

BoundPrimitive::BoundPrimitive(dnnl::primitive primitive, const dnnl::primitive_desc_base& pd, int threads)
    : primitive_(std::move(primitive)), threads_(threads) {
  impl_ = pd.impl_info_str();
  dnnl::memory::desc scratch = pd.scratchpad_desc();
  if (scratch.get_size() > 0) {
    scratchpad_ = AlignedBuffer(scratch.get_size());
    add(DNNL_ARG_SCRATCHPAD, scratch, scratchpad_.data());
  }
}

int BoundPrimitive::add(int arg, const dnnl::memory::desc& desc, void* data) {
  memories_.emplace_back(desc, engine(), data != nullptr ? data : DNNL_MEMORY_NONE);
  arg_ids_.push_back(arg);
  // dnnl::memory is a shared handle: the C handles stay valid when memories_ grows.
  args_.clear();
  for (size_t i = 0; i < memories_.size(); ++i) args_.push_back({arg_ids_[i], memories_[i].get()});
  return static_cast<int>(memories_.size() - 1);
}

void BoundPrimitive::execute(const dnnl::stream& stream) {
  ThreadScope scope(threads_);  // no-op when the thread is already pinned to threads_
  dnnl::error::wrap_c_api(
      dnnl_primitive_execute(primitive_.get(), stream.get(), static_cast<int>(args_.size()), args_.data()),
      "could not execute a primitive");
}

BoundReorder::BoundReorder(const dnnl::memory::desc& from, const dnnl::memory::desc& to, int threads) {
  ThreadScope scope(threads);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  dnnl::reorder::primitive_desc pd(engine(), from, engine(), to, attr);
  prim_ = BoundPrimitive(dnnl::reorder(pd), pd, threads);
  from_ = prim_.add(DNNL_ARG_FROM, from);
  to_ = prim_.add(DNNL_ARG_TO, to);
}

void BoundReorder::run(const dnnl::stream& stream, const void* src, void* dst) {
  prim_.set(from_, src);
  prim_.set(to_, dst);
  prim_.execute(stream);
}

dnnl::primitive_attr kernel_attributes(const KernelInit& init, const dnnl::memory::desc* addend) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  dnnl::post_ops ops;
  if (init.output_scale != 1.0f) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, init.output_scale, 0.0f);
  if (addend != nullptr) ops.append_binary(dnnl::algorithm::binary_add, *addend);
  switch (init.activation) {
    case FusedActivation::kNone:
      if (addend == nullptr && init.output_scale == 1.0f) return attr;
      break;
    case FusedActivation::kRelu:
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      break;
    case FusedActivation::kClip:
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, init.clip_min, init.clip_max);
      break;
    case FusedActivation::kGeluErf:
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
      break;
  }
  attr.set_post_ops(ops);
  return attr;
}

void reorder_now(const dnnl::memory::desc& from, const void* src, const dnnl::memory::desc& to, void* dst,
                 int threads) {
  BoundReorder r(from, to, threads);
  dnnl::stream stream(engine());
  r.run(stream, src, dst);
  stream.wait();
}

[[noreturn]] void rethrow_as_unsupported(const dnnl::error& e, const std::string& what) {
  throw Error(ErrorKind::kUnsupported, what + ": oneDNN cannot run it (" + std::string(e.what()) + ")");
}

}  // namespace ramiel::runtime::dnnl_util
