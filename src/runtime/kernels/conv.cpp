// Conv (ONNX opset 1-22) on oneDNN: 1-D, 2-D and 3-D, groups (depthwise included), strides,
// dilations, explicit pads and auto_pad, optional bias.
//
// Layouts: the session passes rank-4 activations between layout-aware ops in the layout oneDNN
// prefers on this CPU (NHWC or nChw8c/nChw16c, runtime/layout.h), and then src and dst are handed to
// oneDNN exactly as they are. A plain (NCHW) src with more than 4 channels is given to oneDNN as
// format `any` and reordered per run into the format it picks (plain NCHW convolution is 1.8-8.5x
// slower, see shared/README.md); likewise a plain dst. Weights always use format `any` and are
// packed once at creation when constant.
//
// A fused Relu or Clip (KernelInit::activation) is a oneDNN post-op, and so is a fused residual Add
// (KernelInit::add_residual: input 3, read in the output's layout; a slice reads its own part).
// Stride-1 3x3, 5x5, 1x7, 7x1, 1x3 and 3x1 convolutions on nChw8c and nChw16c run on ramiel's own
// Winograd kernels instead (conv_winograd.h) where they apply; oneDNN's Winograd is the fallback
// for the 3x3 ones they refuse.
// Slices (KernelInit::slice): a batch-1 convolution splits by output channels, whole channel blocks
// (or whole groups) per slice, so each slice writes one contiguous part of the output.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>
#include <unordered_map>

#include "ramiel/error.h"
#include "runtime/kernel.h"
#include "runtime/kernels/conv_winograd.h"
#include "runtime/kernels/dnnl_common.h"
#include "runtime/kernels/thread_slices.h"
#include "runtime/kernels/window_geometry.h"
#include "runtime/layout.h"

namespace ramiel::runtime {
namespace {

using dnnl_util::AlignedBuffer;
using dnnl_util::BoundPrimitive;
using dnnl_util::BoundReorder;
using Tag = dnnl::memory::format_tag;

// One slice of a convolution: the sub-problem it solves and where its operands start (elements).
struct ConvSlice {
  TensorInfo x, y;               // the slice's src and dst (dims of the part; layouts of the whole)
  int64_t out_channels = 0;      // output channels of the slice
  int64_t groups = 1;            // groups of the slice
  int64_t out_begin = 0;         // first output channel (weights and bias start there)
  int64_t x_offset = 0, y_offset = 0;
};

// Splits output channels (whole groups for grouped convolutions) so that every slice's src and dst
// are contiguous: batch 1, plain or channel-blocked layouts, boundaries on channel blocks. NHWC
// channel slices would be strided, which oneDNN runs with its reference kernel: refused.
ConvSlice slice_conv(const SliceSpec& slice, const TensorInfo& x, const TensorInfo& y, int64_t group,
                     const std::string& what) {
  const int64_t c = x.dims[1], m = y.dims[1];
  ConvSlice part{x, y, m, group, 0, 0, 0};
  if (slice.whole()) return part;
  auto refuse = [&](const std::string& why) -> ConvSlice {
    throw Error(ErrorKind::kUnsupported, what + ": cannot compute " + slice.describe() + ": " + why);
  };
  if (x.dims.size() != 4 || x.dims[0] != 1) return refuse("only batch-1 2-D convolutions split");
  if (x.layout == Layout::kNhwc || y.layout == Layout::kNhwc) return refuse("channel slices of NHWC tensors are strided");
  const int64_t x_block = std::max<int64_t>(1, channel_block(x.layout)), y_block = std::max<int64_t>(1, channel_block(y.layout));
  const int64_t mg = m / group, cg = c / group;
  // Smallest run of groups (a unit) whose input and output channels are whole blocks.
  int64_t unit = 1;
  if (group > 1) {
    while (unit <= group && ((unit * mg) % y_block != 0 || (unit * cg) % x_block != 0 || group % unit != 0)) ++unit;
    if (unit > group) return refuse("groups do not align with channel blocks");
  }
  const int64_t units = group == 1 ? (m + y_block - 1) / y_block : group / unit;
  if (units < slice.count) return refuse(std::to_string(units) + " channel blocks");
  auto [u0, u1] = slice_range(units, slice.index, slice.count);
  const int64_t spatial_y = y.dims[2] * y.dims[3], spatial_x = x.dims[2] * x.dims[3];
  if (group == 1) {
    const int64_t m0 = u0 * y_block, m1 = std::min(m, u1 * y_block);
    part.out_channels = m1 - m0;
    part.out_begin = m0;
    part.y_offset = m0 * spatial_y;
  } else {
    const int64_t g0 = u0 * unit, g1 = u1 * unit;
    part.groups = g1 - g0;
    part.out_channels = part.groups * mg;
    part.x.dims[1] = part.groups * cg;
    part.x_offset = g0 * cg * spatial_x;
    part.out_begin = g0 * mg;
    part.y_offset = g0 * mg * spatial_y;
  }
  part.y.dims[1] = part.out_channels;
  return part;
}

// Whether a convolution may run on oneDNN's Winograd kernel: Winograd switched on, a 2-D 3x3 window,
// stride 1, dilation 1, one group, constant weights, channels in whole 16-channel blocks (oneDNN's
// Winograd needs them), and not few of them on a large image. ramiel's own kernel (conv_winograd.h)
// is tried before and takes most of these.
bool onednn_winograd_candidate(const KernelInit& init, const std::vector<int64_t>& kernel, const WindowGeometry& g,
                               int64_t groups, int64_t out_channels) {  // the whole node's
  const TensorInfo& x = init.inputs[0];
  if (!winograd_enabled() || kernel != std::vector<int64_t>{3, 3} || groups != 1) return false;
  if (init.inputs[1].constant == nullptr || x.dims.size() != 4) return false;
  for (size_t d = 0; d < 2; ++d) {
    if (g.strides[d] != 1 || g.dilations[d] != 1) return false;
  }
  const int64_t c = x.dims[1];
  if (c % 16 != 0 || out_channels % 16 != 0) return false;
  // Few channels on a large image: the transforms outweigh the saved multiplications (inception_v3's
  // 32->32 and 32->64 on 147x147: 1.08x-1.2x of the direct convolution's time).
  return c * out_channels >= kWinogradSmallProduct || x.dims[2] * x.dims[3] <= kWinogradLargeImage;
}

// The oneDNN format of a channel-blocked session layout (oneDNN pads the channels to whole
// blocks); none for the others.
std::optional<Tag> padded_blocked_tag(Layout layout) {
  switch (layout) {
    case Layout::kNChw8c: return Tag::nChw8c;
    case Layout::kNChw16c: return Tag::nChw16c;
    default: return std::nullopt;
  }
}

// Whether the convolution `slice` (output channels [first, first + its own) of `whole`, one group)
// adds in the order of `whole`. oneDNN's jit_1x1 kernel chooses how it splits the sum over input
// channels from, among others, the output channels it computes, so a slice of it may round
// differently from the whole convolution (resnet50's 256->1024 on 14x14 in slices of 256 channels;
// in slices of 512 it does not). Not derivable from outside: both run once on the same random
// operands (without post-ops, which come after the sum; the whole one once for all slices of a
// node) and the verdict is kept per shape.
bool slice_adds_like_whole(const dnnl::memory::desc& src, const dnnl::memory::desc& whole_dst, const dnnl::memory::desc& slice_dst,
                           const ir::Dims& whole_weights, bool bias, int64_t first, const dnnl::memory::dims& strides,
                           const dnnl::memory::dims& dilations, const dnnl::memory::dims& pad_l, const dnnl::memory::dims& pad_r) {
  const auto f32 = dnnl::memory::data_type::f32;
  const dnnl::memory::dims xd = src.dims(), wd = dnnl_util::dims(whole_weights), sd = slice_dst.dims();
  std::string whole_key;  // the whole convolution (its output is the same for every slice)
  for (const auto* v : {&xd, &wd, &strides, &dilations, &pad_l, &pad_r}) {
    for (auto d : *v) whole_key += std::to_string(d) + ",";
    whole_key += ";";
  }
  whole_key += (bias ? "b" : "") + std::to_string(static_cast<int>(src.data.format_kind)) +
               std::to_string(src.data.format_desc.blocking.inner_nblks);
  const std::string key = whole_key + "/" + std::to_string(first) + "+" + std::to_string(sd[1]);
  static std::mutex mutex;
  static std::map<std::string, bool> verdicts;
  // The last whole output, for the other slices of the same node (created one after another).
  static std::string last_whole_key;
  static std::vector<float> last_whole;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = verdicts.find(key); it != verdicts.end()) return it->second;
  const int64_t k = wd[0], ks = sd[1], per_filter = ir::element_count(whole_weights) / k;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  auto random = [&](int64_t n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& e : v) e = uniform(rng);
    return v;
  };
  const std::vector<float> x = random(ir::element_count(ir::Dims(xd.begin(), xd.end()))), w = random(k * per_filter), b = random(k);
  dnnl::memory::dims slice_wd = wd;
  slice_wd[0] = ks;
  auto run = [&](const dnnl::memory::desc& dst, const dnnl::memory::dims& weight_dims, const float* weights, const float* biases) {
    const dnnl::memory::desc w_any(weight_dims, f32, Tag::any), b_md = bias ? dnnl::memory::desc({weight_dims[0]}, f32, Tag::x) : dnnl::memory::desc();
    dnnl::primitive_attr attr;
    dnnl::convolution_forward::primitive_desc pd(
        dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src, w_any, b_md, dst,
                                        strides, dilations, pad_l, pad_r),
        attr, dnnl_util::engine());
    const dnnl::engine& engine = dnnl_util::engine();
    dnnl::stream stream(engine);
    dnnl::memory x_mem(src, engine), w_mem(pd.weights_desc(), engine), y_mem(pd.dst_desc(), engine);
    dnnl_util::reorder_now(dnnl::memory::desc(xd, f32, dnnl_util::plain_strides(ir::Dims(xd.begin(), xd.end()))), x.data(), src,
                           x_mem.get_data_handle(), 1);
    dnnl_util::reorder_now(dnnl::memory::desc(weight_dims, f32, dnnl_util::plain_strides(ir::Dims(weight_dims.begin(), weight_dims.end()))),
                           weights, pd.weights_desc(), w_mem.get_data_handle(), 1);
    std::unordered_map<int, dnnl::memory> args = {{DNNL_ARG_SRC, x_mem}, {DNNL_ARG_WEIGHTS, w_mem}, {DNNL_ARG_DST, y_mem}};
    if (bias) args[DNNL_ARG_BIAS] = dnnl::memory(b_md, engine, const_cast<float*>(biases));
    dnnl::convolution_forward(pd).execute(stream, args);
    stream.wait();
    const dnnl::memory::dims yd = pd.dst_desc().dims();
    std::vector<float> plain(static_cast<size_t>(ir::element_count(ir::Dims(yd.begin(), yd.end()))));
    dnnl_util::reorder_now(pd.dst_desc(), y_mem.get_data_handle(), dnnl::memory::desc(yd, f32, dnnl_util::plain_strides(ir::Dims(yd.begin(), yd.end()))),
                           plain.data(), 1);
    return plain;
  };
  dnnl_util::ThreadScope scope(1);
  if (last_whole_key != whole_key) {
    last_whole = run(whole_dst, wd, w.data(), b.data());
    last_whole_key = whole_key;
  }
  const std::vector<float> part = run(slice_dst, slice_wd, w.data() + first * per_filter, b.data() + first);
  const size_t plane = part.size() / static_cast<size_t>(ks);  // batch 1: channel planes
  const bool same = std::memcmp(part.data(), last_whole.data() + static_cast<size_t>(first) * plane, part.size() * sizeof(float)) == 0;
  verdicts[key] = same;
  return same;
}

// oneDNN's Winograd implementations (impl_info_str prefixes) that the kernel uses.
constexpr std::string_view kWinograd2x3 = "jit_fp32_wino_2x3", kWinograd4x3 = "jit_wino_4x3";


class ConvKernel final : public Kernel {
 public:
  explicit ConvKernel(const KernelInit& init) : threads_(init.threads), stream_(dnnl_util::engine()) {
    const ir::Node& node = init.node;
    const std::string what = "Conv '" + node.name + "'";
    if (init.inputs.size() < 2) throw Error(ErrorKind::kInvalidModel, what + ": needs inputs X and W");
    const TensorInfo& x = init.inputs[0];
    const TensorInfo& w = init.inputs[1];
    const TensorInfo* b = init.inputs.size() > 2 && !init.inputs[2].absent() ? &init.inputs[2] : nullptr;
    if (x.dtype != ir::DataType::kFloat32 || w.dtype != ir::DataType::kFloat32 ||
        (b != nullptr && b->dtype != ir::DataType::kFloat32)) {
      throw Error(ErrorKind::kUnsupported, what + ": only float32 is supported, got " +
                                               std::string(ir::to_string(x.dtype)));
    }
    const size_t rank = x.dims.size();
    if (rank < 3 || rank > 5) throw Error(ErrorKind::kUnsupported, what + ": input rank " + std::to_string(rank) + " (only 1-D, 2-D and 3-D convolutions)");
    if (w.dims.size() != rank) throw Error(ErrorKind::kInvalidModel, what + ": W rank " + std::to_string(w.dims.size()) + " differs from X rank " + std::to_string(rank));
    const int64_t group = node.attr_int("group", 1);
    const int64_t c = x.dims[1], m = w.dims[0];
    if (group < 1 || c % group != 0 || m % group != 0 || w.dims[1] * group != c) {
      throw Error(ErrorKind::kInvalidModel, what + ": X has " + std::to_string(c) + " channels but W is " + ir::to_string(w.dims) + " with group " + std::to_string(group));
    }
    if (b != nullptr && (b->dims.size() != 1 || b->dims[0] != m)) {
      throw Error(ErrorKind::kInvalidModel, what + ": B must be [" + std::to_string(m) + "], got " + ir::to_string(b->dims));
    }
    std::vector<int64_t> spatial(x.dims.begin() + 2, x.dims.end());
    std::vector<int64_t> kernel(w.dims.begin() + 2, w.dims.end());
    std::vector<int64_t> declared = node.attr_ints("kernel_shape", kernel);
    if (declared != kernel) throw Error(ErrorKind::kInvalidModel, what + ": kernel_shape does not match W " + ir::to_string(w.dims));
    WindowGeometry g = resolve_window(node, spatial, kernel, false);

    ir::Dims y_dims = {x.dims[0], m};
    y_dims.insert(y_dims.end(), g.output.begin(), g.output.end());
    TensorInfo y;
    y.dtype = ir::DataType::kFloat32;
    y.dims = y_dims;
    y.layout = choose_output_layout(y_dims, init.output_layout);
    outputs_.push_back(y);
    empty_ = ir::element_count(y_dims) == 0 || ir::element_count(x.dims) == 0;
    if (empty_) return;

    // The part this kernel computes: the whole convolution, or one slice of its output channels.
    ConvSlice part = slice_conv(init.slice, x, y, group, what);
    const TensorInfo& xs = part.x;
    const TensorInfo& ys = part.y;
    const int64_t ms = part.out_channels;
    x_offset_ = static_cast<size_t>(part.x_offset) * 4;
    y_offset_ = static_cast<size_t>(part.y_offset) * 4;
    b_offset_ = static_cast<size_t>(part.out_begin) * 4;
    w_offset_ = static_cast<size_t>(part.out_begin * (ir::element_count(w.dims) / m)) * 4;

    // User-side descriptors (what the tensors really are).
    dnnl::memory::desc x_user = dnnl_util::md(xs);
    dnnl::memory::desc y_user = dnnl_util::md(ys);
    ir::Dims w_dims = w.dims;
    w_dims[0] = ms;
    if (part.groups > 1) {
      w_dims[0] = ms / part.groups;
      w_dims.insert(w_dims.begin(), part.groups);
    }
    dnnl::memory::desc w_user = dnnl_util::md(w_dims, ir::DataType::kFloat32);

    // What the convolution is asked for: a non-plain (or small-channel plain) src as is, else `any`.
    const auto f32 = dnnl::memory::data_type::f32;
    // A plain image (few channels) for an NHWC output is reordered to NHWC for oneDNN's brgconv:
    // mobilenet_v2's 3->32 on two threads 0.116 ms with the reorder, against 0.151 for its jit
    // kernel writing nChw16c and a reorder of the output (oneDNN has no jit kernel for a plain
    // src with an NHWC dst).
    const bool image_to_nhwc = xs.layout == Layout::kPlain && xs.dims[1] <= kImageChannels && ys.layout == Layout::kNhwc && group == 1;
    const bool x_as_is = !image_to_nhwc && (xs.layout != Layout::kPlain || xs.dims[1] <= kImageChannels);
    // A plain operand under a blocked session layout (mostly one whose channels are not whole
    // blocks: mobilenet_v2's 24 under nChw16c) is reordered into that blocked format, zero-padded
    // to whole blocks, rather than into oneDNN's pick for `any`, which runs brgconv_1x1 about 2x
    // slower there (24->144 on 56x56, cold caches: 0.29 ms against 0.15 for 32->144).
    const std::optional<Tag> padded = group == 1 && xs.dims.size() == 4 ? padded_blocked_tag(init.output_layout) : std::nullopt;
    dnnl::memory::desc x_conv = x_as_is         ? x_user
                                : image_to_nhwc ? dnnl::memory::desc(dnnl_util::dims(xs.dims), f32, Tag::nhwc)
                                                : dnnl::memory::desc(dnnl_util::dims(xs.dims), f32, padded.value_or(Tag::any));
    // A plain small-channel src with an NHWC dst has no jit implementation (ref:any, ~1000x
    // slower): then let oneDNN pick the dst format and reorder to the requested one.
    const bool y_as_is = ys.layout != Layout::kPlain && (xs.layout != Layout::kPlain || image_to_nhwc);
    const Tag y_tag = padded && xs.layout != Layout::kPlain ? *padded : Tag::any;
    dnnl::memory::desc y_conv = y_as_is ? y_user : dnnl::memory::desc(dnnl_util::dims(ys.dims), f32, y_tag);
    dnnl::memory::desc w_conv(dnnl_util::dims(w_dims), f32, Tag::any);
    dnnl::memory::desc b_md = b != nullptr ? dnnl::memory::desc({ms}, f32, Tag::x) : dnnl::memory::desc();

    dnnl::memory::dims strides(g.strides.begin(), g.strides.end()), dil, pl(g.pad_begin.begin(), g.pad_begin.end()),
        pr(g.pad_end.begin(), g.pad_end.end());
    for (int64_t d : g.dilations) dil.push_back(d - 1);

    if (init.add_residual) {
      const TensorInfo* r = init.inputs.size() > 3 ? &init.inputs[3] : nullptr;
      if (r == nullptr || r->absent() || r->dtype != ir::DataType::kFloat32 || r->dims != y.dims || r->layout != y.layout || !y_as_is) {
        throw Error(ErrorKind::kInternal, what + ": a fused residual must be a float tensor of the output's dims and layout");
      }
    }
    dnnl_util::ThreadScope scope(threads_);
    try {
      const dnnl::primitive_attr attr = dnnl_util::kernel_attributes(init, init.add_residual ? &y_user : nullptr);
      // Weights and bias of the slice unless given (the whole node's, to ask what it would run).
      auto make_pd = [&](const dnnl::memory::desc& src, const dnnl::memory::desc& dst,
                         dnnl::algorithm algorithm = dnnl::algorithm::convolution_direct,
                         const dnnl::memory::desc* weights = nullptr, const dnnl::memory::desc* bias = nullptr) {
        dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, algorithm, src, weights ? *weights : w_conv,
                                             bias ? *bias : b_md, dst, strides, dil, pl, pr);
        return dnnl::convolution_forward::primitive_desc(desc, attr, dnnl_util::engine());
      };
      std::optional<dnnl::convolution_forward::primitive_desc> winograd;
      if (onednn_winograd_candidate(init, kernel, g, part.groups, m)) {
        // oneDNN's Winograd (AVX-512 only in 2.6; its `auto` never picks it) where it has a jit
        // implementation for these formats and post-ops; else the direct convolution below. A
        // slice must give the bits of the whole node: it runs Winograd only where the whole node
        // runs jit_fp32_wino_2x3 and the slice gets it too (other implementations, and
        // jit_wino_4x3 on fewer channels, add in another order), and is refused otherwise.
        const auto try_winograd = [&](const dnnl::memory::desc& src, const dnnl::memory::desc& dst, const dnnl::memory::desc* weights = nullptr,
                                      const dnnl::memory::desc* bias = nullptr) -> std::optional<dnnl::convolution_forward::primitive_desc> {
          try {
            return make_pd(src, dst, dnnl::algorithm::convolution_winograd, weights, bias);
          } catch (const dnnl::error&) {
            return std::nullopt;
          }
        };
        const auto implementation = [](const auto& pd) { return pd ? std::string(pd->impl_info_str()) : std::string(); };
        const auto is_winograd = [](const std::string& impl) { return impl.starts_with(kWinograd2x3) || impl.starts_with(kWinograd4x3); };
        if (ms % 16 == 0) winograd = try_winograd(x_conv, y_conv);
        const std::string mine = implementation(winograd);
        if (!is_winograd(mine)) winograd.reset();
        if (!init.slice.whole()) {
          const dnnl::memory::desc whole_y = y_as_is ? dnnl_util::md(y) : dnnl::memory::desc(dnnl_util::dims(y.dims), f32, Tag::any);
          const dnnl::memory::desc whole_w(dnnl_util::dims(w.dims), f32, Tag::any);
          const dnnl::memory::desc whole_b = b != nullptr ? dnnl::memory::desc({m}, f32, Tag::x) : dnnl::memory::desc();
          const std::string whole = implementation(try_winograd(x_conv, whole_y, &whole_w, &whole_b));
          if (!is_winograd(whole)) {
            winograd.reset();  // the whole node runs the direct convolution: so does the slice
          } else if (!whole.starts_with(kWinograd2x3) || !mine.starts_with(kWinograd2x3)) {
            throw Error(ErrorKind::kUnsupported, what + ": the whole convolution runs oneDNN's " + whole + ", a slice " +
                                                     (winograd ? mine : std::string("the direct one")) +
                                                     " (a slice gives the whole node's bits only on " + std::string(kWinograd2x3) + ")");
          }
        }
      }
      dnnl::convolution_forward::primitive_desc pd = winograd ? *winograd : make_pd(x_conv, y_conv);
      if (!init.slice.whole() && part.groups == 1 && std::string_view(pd.impl_info_str()).starts_with("jit_1x1")) {
        const dnnl::memory::desc whole_y = y_as_is ? dnnl_util::md(y) : dnnl::memory::desc(dnnl_util::dims(y.dims), f32, Tag::any);
        if (!slice_adds_like_whole(pd.src_desc(), whole_y, pd.dst_desc(), w.dims, b != nullptr, part.out_begin, strides, dil, pl, pr)) {
          throw Error(ErrorKind::kUnsupported, what + ": cannot compute " + init.slice.describe() +
                                                   " with the whole convolution's bits (oneDNN's jit_1x1 would add in another order)");
        }
      }
      // Mixed formats (e.g. a blocked src with a plain dst whose channels are not whole blocks) may
      // have only the reference implementation: then let oneDNN pick both and reorder around it.
      if (std::string(pd.impl_info_str()).starts_with("ref") && (x_as_is || y_as_is) && !init.add_residual) {
        dnnl::memory::desc any_x(dnnl_util::dims(xs.dims), f32, Tag::any), any_y(dnnl_util::dims(ys.dims), f32, Tag::any);
        dnnl::convolution_forward::primitive_desc alt = make_pd(xs.dims[1] <= 4 ? x_user : any_x, any_y);
        if (!std::string(alt.impl_info_str()).starts_with("ref")) pd = alt;
      }
      conv_ = BoundPrimitive(dnnl::convolution_forward(pd), pd, threads_);
      x_conv = pd.src_desc();
      y_conv = pd.dst_desc();
      w_conv = pd.weights_desc();
    } catch (const dnnl::error& e) {
      dnnl_util::rethrow_as_unsupported(e, what);
    }
    if (init.add_residual) {
      if (y_conv != y_user) throw Error(ErrorKind::kInternal, what + ": a fused residual needs the output in its own layout");
      residual_arg_ = conv_.add(dnnl_util::addend_argument(init), y_user);
    }
    src_arg_ = conv_.add(DNNL_ARG_SRC, x_conv);
    dst_arg_ = conv_.add(DNNL_ARG_DST, y_conv);
    if (x_conv != x_user) {
      src_reorder_ = BoundReorder(x_user, x_conv, threads_);
      src_buf_ = AlignedBuffer(x_conv.get_size());
      conv_.set(src_arg_, src_buf_.data());
    }
    if (y_conv != y_user) {
      dst_reorder_ = BoundReorder(y_conv, y_user, threads_);
      dst_buf_ = AlignedBuffer(y_conv.get_size());
      conv_.set(dst_arg_, dst_buf_.data());
    }
    weights_buf_ = AlignedBuffer(w_conv.get_size());
    int w_arg = conv_.add(DNNL_ARG_WEIGHTS, w_conv, weights_buf_.data());
    (void)w_arg;
    if (w.constant != nullptr) {
      dnnl_util::reorder_now(w_user, static_cast<const std::byte*>(w.constant->raw()) + w_offset_, w_conv, weights_buf_.data(), threads_);
    } else {
      weights_reorder_ = BoundReorder(w_user, w_conv, threads_);
    }
    if (b != nullptr) {
      bias_arg_ = conv_.add(DNNL_ARG_BIAS, b_md);
      if (b->constant != nullptr) {
        bias_buf_ = AlignedBuffer(static_cast<size_t>(ms) * sizeof(float));
        std::copy_n(b->constant->data<float>() + part.out_begin, ms, static_cast<float*>(bias_buf_.data()));
        conv_.set(bias_arg_, bias_buf_.data());
        bias_arg_ = -1;  // bound for good
      }
    }
  }

  std::string implementation() const override { return conv_.implementation(); }

  void run(std::span<const ir::Tensor> inputs, std::span<ir::Tensor> outputs) override {
    if (empty_) return;
    const void* x = static_cast<const std::byte*>(inputs[0].raw()) + x_offset_;
    void* y = static_cast<std::byte*>(outputs[0].raw()) + y_offset_;
    if (weights_reorder_.valid()) {
      weights_reorder_.run(stream_, static_cast<const std::byte*>(inputs[1].raw()) + w_offset_, weights_buf_.data());
    }
    if (bias_arg_ >= 0) conv_.set(bias_arg_, static_cast<const std::byte*>(inputs[2].raw()) + b_offset_);
    if (residual_arg_ >= 0) conv_.set(residual_arg_, static_cast<const std::byte*>(inputs[3].raw()) + y_offset_);
    if (src_reorder_.valid()) {
      src_reorder_.run(stream_, x, src_buf_.data());
    } else {
      conv_.set(src_arg_, x);
    }
    if (!dst_reorder_.valid()) conv_.set(dst_arg_, y);
    conv_.execute(stream_);
    if (dst_reorder_.valid()) dst_reorder_.run(stream_, dst_buf_.data(), y);
  }

 private:
  int threads_;
  dnnl::stream stream_;
  bool empty_ = false;
  BoundPrimitive conv_;
  BoundReorder src_reorder_, dst_reorder_, weights_reorder_;
  AlignedBuffer src_buf_, dst_buf_, weights_buf_, bias_buf_;
  int src_arg_ = -1, dst_arg_ = -1, bias_arg_ = -1, residual_arg_ = -1;
  size_t x_offset_ = 0, y_offset_ = 0, w_offset_ = 0, b_offset_ = 0;  // bytes into each tensor (slices)
};

}  // namespace

/// Factory for Conv (see kernels.def): ramiel's Winograd kernel where it applies, else oneDNN's.
/// On several threads, oneDNN's jit_fp32_wino_2x3 on a small image runs as one output-channel
/// slice per OpenMP thread: its own threading barely gains there (googlenet's 160->320 on 14x14:
/// 0.46 ms on one thread, 0.54 on two, 0.38 as two slices), and its slices give the whole node's
/// bits. On larger images its own threading is as fast or faster (resnet50's 64->64 on 56x56).
/// (Where ramiel's own Winograd applies it takes these first: faster again, see conv_winograd.h.)
/// So does the first convolution of a CNN, which reads the image (up to kImageChannels channels):
/// oneDNN's two threads ran mobilenet_v2's 3->32 slower than one in traces, and as slices every zoo
/// CNN ran 0.3-2.5% faster at two threads (12 of 12 alternating-session pairs).
std::unique_ptr<Kernel> create_conv_kernel(const KernelInit& init) {
  if (auto winograd = create_winograd_conv_kernel(init)) return winograd;
  auto whole = std::make_unique<ConvKernel>(init);
  const auto& y = whole->output_infos().front().dims;
  const bool small_image = y.size() == 4 && y[2] * y[3] <= kWinogradSmallImage;  // the threshold of ramiel's kernels
  const bool reads_image = init.inputs[0].dims.size() == 4 && init.inputs[0].dims[1] <= kImageChannels;
  if (init.threads > 1 && init.slice.whole() && (reads_image || (small_image && whole->implementation().starts_with(kWinograd2x3)))) {
    auto sliced = create_thread_sliced_kernel([](const KernelInit& part) { return std::make_unique<ConvKernel>(part); }, init);
    if (sliced) return sliced;
  }
  return whole;
}

}  // namespace ramiel::runtime
