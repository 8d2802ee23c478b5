// Node-API addon: oneDNN convolutions and matmuls on float32 buffers the caller owns (tfjs-backend-wasm's
// heap), multi-threaded with OpenMP. Layouts are tfjs's: activations NHWC, filters HWIO, matrices
// row-major. Primitives are cached by shape, per addon instance (one per Node thread).
#include <node_api.h>
#include <omp.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "batch_norm.h"
#include "color_jitter.h"
#include "crop_resize.h"
#include "gaussian_blur.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

struct Cached {
  dnnl::primitive prim;
  // The primitive's own weights layout and a reorder from (or to) the caller's HWIO, when they differ.
  memory::desc weights_md;
  bool reorder_weights = false;
  dnnl::primitive weights_reorder;
  // Scratch memory for the reordered weights, reused between calls.
  std::shared_ptr<memory> weights_mem;
};

struct Instance {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  std::unordered_map<std::string, Cached> cache;
};

// ---- argument helpers -------------------------------------------------------------------------------

#define CHECK(call)                                                  \
  do {                                                               \
    if ((call) != napi_ok) {                                         \
      napi_throw_error(env, nullptr, "simclr-native: " #call " failed"); \
      return nullptr;                                                \
    }                                                                \
  } while (0)

bool floats(napi_env env, napi_value v, float** data, size_t* length) {
  napi_typedarray_type type;
  size_t len;
  void* ptr;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, &len, &ptr, &buffer, &offset) != napi_ok ||
      type != napi_float32_array) {
    napi_throw_type_error(env, nullptr, "simclr-native: expected a Float32Array");
    return false;
  }
  *data = static_cast<float*>(ptr);
  *length = len;
  return true;
}

bool ints(napi_env env, napi_value v, std::vector<int64_t>* out) {
  uint32_t n;
  if (napi_get_array_length(env, v, &n) != napi_ok) {
    napi_throw_type_error(env, nullptr, "simclr-native: expected an array of integers");
    return false;
  }
  out->resize(n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    int64_t x;
    if (napi_get_element(env, v, i, &e) != napi_ok || napi_get_value_int64(env, e, &x) != napi_ok) {
      napi_throw_type_error(env, nullptr, "simclr-native: expected an array of integers");
      return false;
    }
    (*out)[i] = x;
  }
  return true;
}

Instance* instance(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return static_cast<Instance*>(data);
}

std::string key(const char* op, const std::vector<int64_t>& a) {
  std::ostringstream s;
  s << op;
  for (auto x : a) s << ',' << x;
  return s.str();
}

// Geometry of a 2-D convolution, as tfjs's computeConv2DInfo gives it:
// [n, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilationH, dilationW,
//  padTop, padBottom, padLeft, padRight]
struct Conv {
  int64_t n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr;
  explicit Conv(const std::vector<int64_t>& g)
      : n(g[0]), ih(g[1]), iw(g[2]), ic(g[3]), oh(g[4]), ow(g[5]), oc(g[6]), kh(g[7]), kw(g[8]),
        sh(g[9]), sw(g[10]), dh(g[11]), dw(g[12]), pt(g[13]), pb(g[14]), pl(g[15]), pr(g[16]) {}
  memory::desc src() const { return {{n, ic, ih, iw}, dt::f32, tag::nhwc}; }
  memory::desc dst() const { return {{n, oc, oh, ow}, dt::f32, tag::nhwc}; }
  memory::desc user_weights() const { return {{oc, ic, kh, kw}, dt::f32, tag::hwio}; }
  memory::desc any_weights() const { return {{oc, ic, kh, kw}, dt::f32, tag::any}; }
  memory::dims strides() const { return {sh, sw}; }
  memory::dims dilates() const { return {dh - 1, dw - 1}; }
  memory::dims pad_l() const { return {pt, pl}; }
  memory::dims pad_r() const { return {pb, pr}; }
  dnnl::convolution_forward::desc forward_desc(bool bias) const {
    if (bias) {
      return {dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, src(), any_weights(),
              memory::desc({oc}, dt::f32, tag::x), dst(), strides(), dilates(), pad_l(), pad_r()};
    }
    return {dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, src(), any_weights(),
            dst(), strides(), dilates(), pad_l(), pad_r()};
  }
};

bool conv_geometry(napi_env env, napi_value v, std::vector<int64_t>* g) {
  if (!ints(env, v, g)) return false;
  if (g->size() != 17) {
    napi_throw_type_error(env, nullptr, "simclr-native: a convolution geometry has 17 integers");
    return false;
  }
  return true;
}

// A cached convolution whose weights (or weight gradient) live in `wanted`, oneDNN's layout: scratch memory
// and a reorder to it from the caller's HWIO (`from_user`), or back to HWIO, when the layouts differ.
Cached with_weights_layout(dnnl::primitive prim, const memory::desc& wanted, const memory::desc& user,
                           const dnnl::engine& engine, bool from_user) {
  Cached e{std::move(prim), wanted};
  if (wanted != user) {
    e.reorder_weights = true;
    e.weights_mem = std::make_shared<memory>(wanted, engine);
    e.weights_reorder = from_user ? dnnl::reorder(memory(user, engine), *e.weights_mem)
                                  : dnnl::reorder(*e.weights_mem, memory(user, engine));
  }
  return e;
}

// ---- conv2d(x, filter, bias | null, y, geometry, relu) --------------------------------------------------

napi_value Conv2d(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  float *x, *w, *b = nullptr, *y;
  size_t lx, lw, lb = 0, ly;
  std::vector<int64_t> g;
  napi_valuetype bias_type;
  CHECK(napi_typeof(env, argv[2], &bias_type));
  bool relu = false;
  if (!floats(env, argv[0], &x, &lx) || !floats(env, argv[1], &w, &lw) ||
      (bias_type != napi_null && !floats(env, argv[2], &b, &lb)) || !floats(env, argv[3], &y, &ly) ||
      !conv_geometry(env, argv[4], &g))
    return nullptr;
  CHECK(napi_get_value_bool(env, argv[5], &relu));
  Conv c(g);
  if (lx != size_t(c.n * c.ih * c.iw * c.ic) || lw != size_t(c.kh * c.kw * c.ic * c.oc) ||
      ly != size_t(c.n * c.oh * c.ow * c.oc) || (b && lb != size_t(c.oc))) {
    napi_throw_range_error(env, nullptr, "simclr-native: conv2d buffer sizes do not fit the geometry");
    return nullptr;
  }
  Instance* in = instance(env);
  g.push_back(b ? 1 : 0);
  g.push_back(relu ? 1 : 0);
  try {
    auto k = key("fwd", g);
    auto it = in->cache.find(k);
    if (it == in->cache.end()) {
      dnnl::primitive_attr attr;
      if (relu) {
        dnnl::post_ops ops;
        ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
        attr.set_post_ops(ops);
      }
      dnnl::convolution_forward::primitive_desc pd(c.forward_desc(b != nullptr), attr, in->engine);
      it = in->cache
               .emplace(k, with_weights_layout(dnnl::convolution_forward(pd), pd.weights_desc(), c.user_weights(),
                                               in->engine, true))
               .first;
    }
    Cached& e = it->second;
    memory src(c.src(), in->engine, x), dst(c.dst(), in->engine, y), user_w(c.user_weights(), in->engine, w);
    memory weights = user_w;
    if (e.reorder_weights) {
      e.weights_reorder.execute(in->stream, {{DNNL_ARG_FROM, user_w}, {DNNL_ARG_TO, *e.weights_mem}});
      weights = *e.weights_mem;
    }
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}};
    if (b) args.emplace(DNNL_ARG_BIAS, memory({{c.oc}, dt::f32, tag::x}, in->engine, b));
    e.prim.execute(in->stream, args);
    in->stream.wait();
  } catch (const dnnl::error& err) {
    napi_throw_error(env, nullptr, (std::string("simclr-native: conv2d: ") + err.what()).c_str());
  }
  return nullptr;
}

// ---- conv2dBackpropInput(dy, filter, dx, geometry) ------------------------------------------------------

napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  float *dy, *w, *dx;
  size_t ldy, lw, ldx;
  std::vector<int64_t> g;
  if (!floats(env, argv[0], &dy, &ldy) || !floats(env, argv[1], &w, &lw) || !floats(env, argv[2], &dx, &ldx) ||
      !conv_geometry(env, argv[3], &g))
    return nullptr;
  Conv c(g);
  if (ldy != size_t(c.n * c.oh * c.ow * c.oc) || lw != size_t(c.kh * c.kw * c.ic * c.oc) ||
      ldx != size_t(c.n * c.ih * c.iw * c.ic)) {
    napi_throw_range_error(env, nullptr, "simclr-native: conv2dBackpropInput buffer sizes do not fit the geometry");
    return nullptr;
  }
  Instance* in = instance(env);
  try {
    auto k = key("bwd_data", g);
    auto it = in->cache.find(k);
    if (it == in->cache.end()) {
      dnnl::convolution_forward::primitive_desc hint(c.forward_desc(false), in->engine);
      dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, c.src(), c.any_weights(), c.dst(),
                                              c.strides(), c.dilates(), c.pad_l(), c.pad_r());
      dnnl::convolution_backward_data::primitive_desc pd(d, in->engine, hint);
      it = in->cache
               .emplace(k, with_weights_layout(dnnl::convolution_backward_data(pd), pd.weights_desc(),
                                               c.user_weights(), in->engine, true))
               .first;
    }
    Cached& e = it->second;
    memory diff_dst(c.dst(), in->engine, dy), diff_src(c.src(), in->engine, dx), user_w(c.user_weights(), in->engine, w);
    memory weights = user_w;
    if (e.reorder_weights) {
      e.weights_reorder.execute(in->stream, {{DNNL_ARG_FROM, user_w}, {DNNL_ARG_TO, *e.weights_mem}});
      weights = *e.weights_mem;
    }
    e.prim.execute(in->stream, {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DIFF_SRC, diff_src}});
    in->stream.wait();
  } catch (const dnnl::error& err) {
    napi_throw_error(env, nullptr, (std::string("simclr-native: conv2dBackpropInput: ") + err.what()).c_str());
  }
  return nullptr;
}

// ---- conv2dBackpropFilter(x, dy, dw, geometry) ----------------------------------------------------------

napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  float *x, *dy, *dw;
  size_t lx, ldy, ldw;
  std::vector<int64_t> g;
  if (!floats(env, argv[0], &x, &lx) || !floats(env, argv[1], &dy, &ldy) || !floats(env, argv[2], &dw, &ldw) ||
      !conv_geometry(env, argv[3], &g))
    return nullptr;
  Conv c(g);
  if (lx != size_t(c.n * c.ih * c.iw * c.ic) || ldy != size_t(c.n * c.oh * c.ow * c.oc) ||
      ldw != size_t(c.kh * c.kw * c.ic * c.oc)) {
    napi_throw_range_error(env, nullptr, "simclr-native: conv2dBackpropFilter buffer sizes do not fit the geometry");
    return nullptr;
  }
  Instance* in = instance(env);
  try {
    auto k = key("bwd_weights", g);
    auto it = in->cache.find(k);
    if (it == in->cache.end()) {
      dnnl::convolution_forward::primitive_desc hint(c.forward_desc(false), in->engine);
      dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, c.src(), c.any_weights(),
                                                 c.dst(), c.strides(), c.dilates(), c.pad_l(), c.pad_r());
      dnnl::convolution_backward_weights::primitive_desc pd(d, in->engine, hint);
      it = in->cache
               .emplace(k, with_weights_layout(dnnl::convolution_backward_weights(pd), pd.diff_weights_desc(),
                                               c.user_weights(), in->engine, false))
               .first;
    }
    Cached& e = it->second;
    memory src(c.src(), in->engine, x), diff_dst(c.dst(), in->engine, dy), user_dw(c.user_weights(), in->engine, dw);
    memory diff_weights = e.reorder_weights ? *e.weights_mem : user_dw;
    e.prim.execute(in->stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_WEIGHTS, diff_weights}});
    if (e.reorder_weights) {
      e.weights_reorder.execute(in->stream, {{DNNL_ARG_FROM, *e.weights_mem}, {DNNL_ARG_TO, user_dw}});
    }
    in->stream.wait();
  } catch (const dnnl::error& err) {
    napi_throw_error(env, nullptr, (std::string("simclr-native: conv2dBackpropFilter: ") + err.what()).c_str());
  }
  return nullptr;
}

// ---- matmul(a, b, bias | null, c, [batchA, batchB, M, K, N, transA, transB], relu) -----------------------
// C[b] = op(A[b]) · op(B[b]) (+ bias[N]) (relu); a batch of 1 broadcasts.

napi_value Matmul(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  float *a, *bm, *bias = nullptr, *cm;
  size_t la, lb, lbias = 0, lc;
  std::vector<int64_t> g;
  napi_valuetype bias_type;
  bool relu = false;
  CHECK(napi_typeof(env, argv[2], &bias_type));
  if (!floats(env, argv[0], &a, &la) || !floats(env, argv[1], &bm, &lb) ||
      (bias_type != napi_null && !floats(env, argv[2], &bias, &lbias)) || !floats(env, argv[3], &cm, &lc) ||
      !ints(env, argv[4], &g))
    return nullptr;
  CHECK(napi_get_value_bool(env, argv[5], &relu));
  if (g.size() != 7) {
    napi_throw_type_error(env, nullptr, "simclr-native: a matmul geometry has 7 integers");
    return nullptr;
  }
  const int64_t ba = g[0], bb = g[1], m = g[2], k = g[3], n = g[4];
  const bool ta = g[5] != 0, tb = g[6] != 0;
  const int64_t batch = ba > bb ? ba : bb;
  if ((ba != batch && ba != 1) || (bb != batch && bb != 1) || la != size_t(ba * m * k) || lb != size_t(bb * k * n) ||
      lc != size_t(batch * m * n) || (bias && lbias != size_t(n))) {
    napi_throw_range_error(env, nullptr, "simclr-native: matmul buffer sizes do not fit the geometry");
    return nullptr;
  }
  Instance* in = instance(env);
  g.push_back(bias ? 1 : 0);
  g.push_back(relu ? 1 : 0);
  // Transposed operands are plain strided views: A stored [K, M] is read as [M, K] with strides (1, M).
  memory::desc a_md({ba, m, k}, dt::f32, ta ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1});
  memory::desc b_md({bb, k, n}, dt::f32, tb ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1});
  memory::desc c_md({batch, m, n}, dt::f32, memory::dims{m * n, n, 1});
  memory::desc bias_md({1, 1, n}, dt::f32, memory::dims{n, n, 1});
  try {
    auto key_s = key("matmul", g);
    auto it = in->cache.find(key_s);
    if (it == in->cache.end()) {
      dnnl::primitive_attr attr;
      if (relu) {
        dnnl::post_ops ops;
        ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
        attr.set_post_ops(ops);
      }
      auto d = bias ? dnnl::matmul::desc(a_md, b_md, bias_md, c_md) : dnnl::matmul::desc(a_md, b_md, c_md);
      dnnl::matmul::primitive_desc pd(d, attr, in->engine);
      it = in->cache.emplace(key_s, Cached{dnnl::matmul(pd), b_md}).first;
    }
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, memory(a_md, in->engine, a)},
                                         {DNNL_ARG_WEIGHTS, memory(b_md, in->engine, bm)},
                                         {DNNL_ARG_DST, memory(c_md, in->engine, cm)}};
    if (bias) args.emplace(DNNL_ARG_BIAS, memory(bias_md, in->engine, bias));
    it->second.prim.execute(in->stream, args);
    in->stream.wait();
  } catch (const dnnl::error& err) {
    napi_throw_error(env, nullptr, (std::string("simclr-native: matmul: ") + err.what()).c_str());
  }
  return nullptr;
}

// ---- batch norm in training mode ------------------------------------------------------------------------

// Reads argument i as a Float32Array of exactly `length` floats, or null when `nullable` and it is null.
bool floats_of(napi_env env, napi_value v, size_t length, float** data, bool nullable, const char* what) {
  napi_valuetype type;
  if (napi_typeof(env, v, &type) != napi_ok) return false;
  if (nullable && type == napi_null) {
    *data = nullptr;
    return true;
  }
  size_t len;
  if (!floats(env, v, data, &len)) return false;
  if (len != length) {
    napi_throw_range_error(env, nullptr, (std::string("simclr-native: ") + what + " has the wrong size").c_str());
    return false;
  }
  return true;
}

// [rows, channels] and ε, the last two arguments of both batch-norm functions.
bool rows_channels(napi_env env, napi_value dims, napi_value eps, int64_t* rows, int64_t* channels, float* epsilon) {
  std::vector<int64_t> g;
  if (!ints(env, dims, &g)) return false;
  double e;
  if (g.size() != 2 || g[0] < 1 || g[1] < 1 || napi_get_value_double(env, eps, &e) != napi_ok) {
    napi_throw_type_error(env, nullptr, "simclr-native: batch norm takes [rows, channels] >= 1 and epsilon");
    return false;
  }
  *rows = g[0];
  *channels = g[1];
  *epsilon = float(e);
  return true;
}

// batchNorm(x, scale, offset, y, mean, variance, [rows, channels], epsilon)
napi_value BatchNorm(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int64_t rows, channels;
  float epsilon;
  if (!rows_channels(env, argv[6], argv[7], &rows, &channels, &epsilon)) return nullptr;
  const size_t full = size_t(rows * channels), c = size_t(channels);
  float *x, *scale, *offset, *y, *mean, *variance;
  if (!floats_of(env, argv[0], full, &x, false, "x") || !floats_of(env, argv[1], c, &scale, false, "scale") ||
      !floats_of(env, argv[2], c, &offset, false, "offset") || !floats_of(env, argv[3], full, &y, false, "y") ||
      !floats_of(env, argv[4], c, &mean, false, "mean") || !floats_of(env, argv[5], c, &variance, false, "variance"))
    return nullptr;
  simclr::batch_norm_forward(x, scale, offset, y, mean, variance, rows, channels, epsilon);
  return nullptr;
}

// batchNormGrad(dy, x, scale, mean, variance, dmean | null, dvariance | null, dx, dscale, doffset,
//               [rows, channels], epsilon)
napi_value BatchNormGrad(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int64_t rows, channels;
  float epsilon;
  if (!rows_channels(env, argv[10], argv[11], &rows, &channels, &epsilon)) return nullptr;
  const size_t full = size_t(rows * channels), c = size_t(channels);
  float *dy, *x, *scale, *mean, *variance, *dmean, *dvariance, *dx, *dscale, *doffset;
  if (!floats_of(env, argv[0], full, &dy, false, "dy") || !floats_of(env, argv[1], full, &x, false, "x") ||
      !floats_of(env, argv[2], c, &scale, false, "scale") || !floats_of(env, argv[3], c, &mean, false, "mean") ||
      !floats_of(env, argv[4], c, &variance, false, "variance") ||
      !floats_of(env, argv[5], c, &dmean, true, "dmean") || !floats_of(env, argv[6], c, &dvariance, true, "dvariance") ||
      !floats_of(env, argv[7], full, &dx, false, "dx") || !floats_of(env, argv[8], c, &dscale, false, "dscale") ||
      !floats_of(env, argv[9], c, &doffset, false, "doffset"))
    return nullptr;
  simclr::batch_norm_backward(dy, x, scale, mean, variance, dmean, dvariance, dx, dscale, doffset, rows, channels,
                              epsilon);
  return nullptr;
}

// colorJitter(x, params, out, [n, pixels, channels, paramCount])
napi_value ColorJitter(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  std::vector<int64_t> g;
  if (!ints(env, argv[3], &g)) return nullptr;
  if (g.size() != 4 || g[0] < 1 || g[1] < 1 || (g[2] != 1 && g[2] != 3) || g[3] < 5) {
    napi_throw_type_error(env, nullptr, "simclr-native: colorJitter takes [n, pixels, channels 1|3, paramCount]");
    return nullptr;
  }
  const size_t full = size_t(g[0] * g[1] * g[2]);
  float *x, *params, *out;
  if (!floats_of(env, argv[0], full, &x, false, "x") ||
      !floats_of(env, argv[1], size_t(g[0] * g[3]), &params, false, "params") ||
      !floats_of(env, argv[2], full, &out, false, "out"))
    return nullptr;
  simclr::color_jitter(x, params, out, g[0], g[1], g[2], g[3]);
  return nullptr;
}

// gaussianBlur(x, taps, out, [n, h, w, c, k])
napi_value GaussianBlur(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  std::vector<int64_t> g;
  if (!ints(env, argv[3], &g)) return nullptr;
  if (g.size() != 5 || g[0] < 1 || g[1] < 1 || g[2] < 1 || g[3] < 1 || g[4] < 1 || g[4] % 2 == 0 ||
      g[4] / 2 >= g[1] || g[4] / 2 >= g[2]) {
    napi_throw_type_error(env, nullptr, "simclr-native: gaussianBlur takes [n, h, w, c, k] with k odd and k/2 < h, w");
    return nullptr;
  }
  const size_t full = size_t(g[0] * g[1] * g[2] * g[3]);
  float *x, *taps, *out;
  if (!floats_of(env, argv[0], full, &x, false, "x") || !floats_of(env, argv[1], size_t(g[0] * g[4]), &taps, false, "taps") ||
      !floats_of(env, argv[2], full, &out, false, "out"))
    return nullptr;
  simclr::gaussian_blur(x, taps, out, g[0], g[1], g[2], g[3], g[4]);
  return nullptr;
}

// cropResize(x, rows, cols, out, [n, h, w, c, outH, outW])
napi_value CropResize(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  std::vector<int64_t> g;
  if (!ints(env, argv[4], &g)) return nullptr;
  if (g.size() != 6 || g[0] < 1 || g[1] < 1 || g[2] < 1 || g[3] < 1 || g[4] < 1 || g[5] < 1) {
    napi_throw_type_error(env, nullptr, "simclr-native: cropResize takes [n, h, w, c, outH, outW] >= 1");
    return nullptr;
  }
  float *x, *rows, *cols, *out;
  if (!floats_of(env, argv[0], size_t(g[0] * g[1] * g[2] * g[3]), &x, false, "x") ||
      !floats_of(env, argv[1], size_t(g[0] * g[4] * 4), &rows, false, "rows") ||
      !floats_of(env, argv[2], size_t(g[0] * g[5] * 4), &cols, false, "cols") ||
      !floats_of(env, argv[3], size_t(g[0] * g[4] * g[5] * g[3]), &out, false, "out"))
    return nullptr;
  // Every tap must lie inside its image: the kernel reads x at them unchecked.
  const auto inside = [](const float* taps, int64_t count, int64_t extent) {
    for (int64_t k = 0; k < count; k++) {
      if (!(taps[4 * k] >= 0 && taps[4 * k] < extent && taps[4 * k + 1] >= 0 && taps[4 * k + 1] < extent)) return false;
    }
    return true;
  };
  if (!inside(rows, g[0] * g[4], g[1]) || !inside(cols, g[0] * g[5], g[2])) {
    napi_throw_range_error(env, nullptr, "simclr-native: cropResize taps must lie inside the image");
    return nullptr;
  }
  simclr::crop_resize(x, rows, cols, out, g[0], g[1], g[2], g[3], g[4], g[5]);
  return nullptr;
}

// ---- threads ----------------------------------------------------------------------------------------------

napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t n;
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  CHECK(napi_get_value_int32(env, argv[0], &n));
  if (n < 1) {
    napi_throw_range_error(env, nullptr, "simclr-native: threads must be >= 1");
    return nullptr;
  }
  omp_set_num_threads(n);
  return nullptr;
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value out, v;
  CHECK(napi_create_object(env, &out));
  CHECK(napi_create_int32(env, omp_get_max_threads(), &v));
  CHECK(napi_set_named_property(env, out, "threads", v));
  const dnnl_version_t* ver = dnnl_version();
  std::string version = std::to_string(ver->major) + "." + std::to_string(ver->minor) + "." + std::to_string(ver->patch);
  CHECK(napi_create_string_utf8(env, version.c_str(), version.size(), &v));
  CHECK(napi_set_named_property(env, out, "onednn", v));
  CHECK(napi_create_uint32(env, static_cast<uint32_t>(instance(env)->cache.size()), &v));
  CHECK(napi_set_named_property(env, out, "cachedPrimitives", v));
  return out;
}

void Finalize(napi_env, void* data, void*) { delete static_cast<Instance*>(data); }

}  // namespace

NAPI_MODULE_INIT() {
  Instance* in = new Instance();
  napi_set_instance_data(env, in, Finalize, nullptr);
  napi_property_descriptor props[] = {
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, Conv2dBackpropFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"matmul", nullptr, Matmul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNorm", nullptr, BatchNorm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormGrad", nullptr, BatchNormGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"colorJitter", nullptr, ColorJitter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gaussianBlur", nullptr, GaussianBlur, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"cropResize", nullptr, CropResize, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
