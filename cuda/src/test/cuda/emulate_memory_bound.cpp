// Desk-check of layout.cu, reduce.cu and pool.cu on the host (no GPU), like emulate_check.cpp for the compute
// kernels: the kernel sources compiled by g++ against cuda_host_shim.h, launched with small grids (so the
// grid-stride loops wrap) and compared with naive loops over multi-indices written from core's definitions.
// Tables are built here at full rank, unmerged (merging is ShapeTables.coalesce's job, KernelIndexingTest's
// subject); 64-bit strides as the structs hold them. Run: cuda/src/test/cuda/emulate.sh
#include "cuda_host_shim.h"
#include "../../main/cuda/layout.cu"
#include "../../main/cuda/reduce.cu"
#include "../../main/cuda/pool.cu"

#include <cstdio>
#include <random>
#include <string>

static std::mt19937 rng(7);
static int failures = 0, checks = 0;

static std::vector<float> random(size_t n) {
    std::uniform_real_distribution<float> d(-1.f, 1.f);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

/** Every element within 1e-6·max(1, |want|) (sums in double on both sides), NaN only where wanted. */
static void compare(const std::string& what, const std::vector<float>& got, const std::vector<double>& want) {
    ++checks;
    for (size_t i = 0; i < want.size(); ++i) {
        bool ok = std::isnan(want[i]) ? std::isnan(got[i]) : std::fabs(got[i] - want[i]) <= 1e-6 * std::max(1.0, std::fabs(want[i]));
        if (!ok) {
            if (failures < 20) std::printf("FAIL %s at %zu: got %g want %g\n", what.c_str(), i, got[i], want[i]);
            ++failures;
            return;
        }
    }
}

static long long numel(const std::vector<int>& s) {
    long long n = 1;
    for (int v : s) n *= v;
    return n;
}

static std::vector<long long> contiguous(const std::vector<int>& s) {
    std::vector<long long> st(s.size());
    long long acc = 1;
    for (int d = int(s.size()) - 1; d >= 0; --d) { st[d] = acc; acc *= s[d]; }
    return st;
}

/** The multi-index of row-major position i of shape s. */
static std::vector<int> unflatten(long long i, const std::vector<int>& s) {
    std::vector<int> idx(s.size());
    for (int d = int(s.size()) - 1; d >= 0; --d) { idx[d] = int(i % s[d]); i /= s[d]; }
    return idx;
}

static std::string str(const std::vector<int>& s) {
    std::string r = "(";
    for (size_t i = 0; i < s.size(); ++i) r += (i ? "," : "") + std::to_string(s[i]);
    return r + ")";
}

static Shape shape_table(const std::vector<int>& sizes, const std::vector<long long>& strides) {
    Shape t{};
    t.rank = int(sizes.size());
    for (size_t d = 0; d < sizes.size(); ++d) { t.size[d] = sizes[d]; t.stride[d] = strides[d]; }
    return t;
}

// ---------------------------------------------------------------- layout
static void check_permute(const std::vector<int>& xs, const std::vector<int>& perm) {
    auto x = random(numel(xs));
    auto xst = contiguous(xs);
    std::vector<int> ys(xs.size());
    std::vector<long long> source(xs.size());
    for (size_t d = 0; d < xs.size(); ++d) { ys[d] = xs[perm[d]]; source[d] = xst[perm[d]]; }
    std::vector<double> want(x.size());
    for (long long i = 0; i < (long long)x.size(); ++i) {  // y[idx] = x[idx permuted back]
        auto yi = unflatten(i, ys);
        long long off = 0;
        for (size_t d = 0; d < xs.size(); ++d) off += (long long)yi[d] * xst[perm[d]];
        want[i] = x[off];
    }
    std::vector<float> y(x.size(), NAN);
    Shape t = shape_table(ys, source);
    long long n = (long long)x.size();
    launch({3}, {64}, [&] { permute(t, x.data(), y.data(), n); });
    compare("permute " + str(xs) + " by " + str(perm), y, want);
}

static void check_copy_region(const std::vector<int>& ss, const std::vector<int>& s0, const std::vector<int>& ds,
                              const std::vector<int>& d0, const std::vector<int>& region, bool accumulate) {
    auto src = random(numel(ss)), dst = random(numel(ds));
    auto sst = contiguous(ss), dstt = contiguous(ds);
    std::vector<double> want(dst.begin(), dst.end());
    for (long long i = 0; i < numel(region); ++i) {
        auto r = unflatten(i, region);
        long long so = 0, dof = 0;
        for (size_t d = 0; d < region.size(); ++d) { so += (long long)(s0[d] + r[d]) * sst[d]; dof += (long long)(d0[d] + r[d]) * dstt[d]; }
        want[dof] = accumulate ? double(dst[dof] + src[so]) : src[so];
    }
    Walk2 box{};
    box.rank = int(region.size());
    long long sb = 0, db = 0;
    for (size_t d = 0; d < region.size(); ++d) {
        box.size[d] = region[d]; box.stride0[d] = sst[d]; box.stride1[d] = dstt[d];
        sb += s0[d] * sst[d]; db += d0[d] * dstt[d];
    }
    std::vector<float> out = dst;
    long long n = numel(region);
    launch({2}, {32}, [&] { copy_region(box, src.data(), sb, out.data(), db, n, accumulate); });
    compare(std::string("copy_region ") + (accumulate ? "+= " : "") + str(region) + " of " + str(ss) + " into " + str(ds), out, want);
}

// ---------------------------------------------------------------- reduce
static void check_reduce(const std::vector<int>& xs, const std::vector<bool>& reducedAxes) {
    auto x = random(numel(xs));
    x[x.size() / 2] = 3.5f;  // a clear maximum
    auto xst = contiguous(xs);
    std::vector<int> ks, rs;
    std::vector<long long> kst, rst;
    for (size_t d = 0; d < xs.size(); ++d) (reducedAxes[d] ? rs : ks).push_back(xs[d]), (reducedAxes[d] ? rst : kst).push_back(xst[d]);
    const long long outputs = numel(ks), count = numel(rs);
    for (int op : {SUM, MAX}) {
        std::vector<double> want(outputs, op == SUM ? 0.0 : -INFINITY);
        for (long long i = 0; i < (long long)x.size(); ++i) {
            auto idx = unflatten(i, xs);
            long long o = 0;
            for (size_t d = 0; d < xs.size(); ++d) if (!reducedAxes[d]) o = o * xs[d] + idx[d];
            want[o] = op == SUM ? want[o] + x[i] : std::max(want[o], double(x[i]));
        }
        for (auto& w : want) w = float(w);
        Shape kept = shape_table(ks, kst), reduced = shape_table(rs, rst);
        const std::string name = std::string(op == SUM ? "sum" : "max") + " of " + str(xs) + " to " + str(ks);
        const bool rows = reducedAxes.back();
        if (rows) {
            std::vector<float> out(outputs, NAN);
            launch({2}, {64}, [&] { reduce_rows(op, kept, reduced, x.data(), out.data(), outputs, count); });
            compare("reduce_rows " + name, out, want);
            for (int chunks : {2, 3}) {  // ReductionOps: split rows, double partials, then reduce_partials
                std::vector<double> partial(outputs * chunks, NAN);
                std::vector<float> split(outputs, NAN);
                launch({3}, {32}, [&] { reduce_rows_split(op, kept, reduced, x.data(), partial.data(), outputs, count, chunks); });
                launch({2}, {32}, [&] { reduce_partials(op, partial.data(), split.data(), outputs, chunks); });
                compare("reduce_rows_split/" + std::to_string(chunks) + " " + name, split, want);
            }
        } else {
            std::vector<float> out(outputs, NAN);
            launch({2}, {32}, [&] { reduce_columns(op, kept, reduced, x.data(), out.data(), outputs, count); });
            compare("reduce_columns " + name, out, want);
        }
    }
}

// ---------------------------------------------------------------- pool
static void check_pool(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, bool includePad) {
    const int oh = (h + 2 * ph - kh) / sh + 1, ow = (w + 2 * pw - kw) / sw + 1;
    Pool g{n, c, h, w, kh, kw, sh, sw, ph, pw, includePad, oh, ow};
    auto x = random(size_t(n) * c * h * w);
    for (size_t i = 0; i < x.size(); i += 5) x[i] = 0.25f;  // ties: the first maximum wins
    auto gy = random(size_t(n) * c * oh * ow);
    std::vector<double> ymax(gy.size()), yavg(gy.size()), gxmax(x.size(), 0), gxavg(x.size(), 0);
    for (int p = 0; p < n * c; ++p)
        for (int i = 0; i < oh; ++i)
            for (int j = 0; j < ow; ++j) {
                const size_t o = (size_t(p) * oh + i) * ow + j;
                const int hs = i * sh - ph, ws = j * sw - pw;
                int best = -1, cells = 0, padded = 0;
                double sum = 0;
                for (int a = hs; a < hs + kh; ++a)
                    for (int b = ws; b < ws + kw; ++b) {
                        if (a < h + ph && b < w + pw) ++padded;  // count_include_pad: the padded extent only
                        if (a < 0 || a >= h || b < 0 || b >= w) continue;
                        const size_t e = (size_t(p) * h + a) * w + b;
                        if (best < 0 || x[e] > x[best]) best = int(e);
                        sum += x[e];
                        ++cells;
                    }
                const int divisor = includePad ? padded : cells;
                ymax[o] = x[best];
                yavg[o] = float(sum) / divisor;
                gxmax[best] += gy[o];
                for (int a = std::max(hs, 0); a < std::min(hs + kh, h); ++a)
                    for (int b = std::max(ws, 0); b < std::min(ws + kw, w); ++b) gxavg[(size_t(p) * h + a) * w + b] += gy[o] / divisor;
            }
    char name[160];
    std::snprintf(name, sizeof name, "pool n=%d c=%d %dx%d k=%dx%d s=%d,%d p=%d,%d includePad=%d", n, c, h, w, kh, kw, sh, sw, ph, pw,
                  includePad);
    const long long ny = (long long)gy.size(), nx = (long long)x.size();
    std::vector<float> y(gy.size(), NAN), gx(x.size(), NAN);
    launch({2}, {64}, [&] { max_pool_forward(g, x.data(), y.data(), ny); });
    compare(std::string("max ") + name, y, ymax);
    launch({2}, {64}, [&] { max_pool_backward(g, x.data(), gy.data(), gx.data(), nx); });
    // the gather adds a cell's windows in row-major order; the reference scatters in the same order
    compare(std::string("max backward ") + name, gx, gxmax);
    std::fill(y.begin(), y.end(), NAN);
    launch({2}, {64}, [&] { avg_pool_forward(g, x.data(), y.data(), ny); });
    compare(std::string("avg ") + name, y, yavg);
    std::fill(gx.begin(), gx.end(), NAN);
    launch({2}, {64}, [&] { avg_pool_backward(g, gy.data(), gx.data(), nx); });
    compare(std::string("avg backward ") + name, gx, gxavg);
}

int main() {
    check_permute({3, 4, 5}, {2, 0, 1});
    check_permute({2, 3, 4, 5}, {0, 2, 3, 1});     // NCHW → NHWC
    check_permute({2, 3, 2, 3, 2, 3, 2, 3}, {7, 6, 5, 4, 3, 2, 1, 0});
    check_permute({7}, {0});
    for (bool acc : {false, true}) {
        check_copy_region({4, 5, 6}, {1, 2, 0}, {3, 4, 8}, {0, 1, 2}, {2, 3, 6}, acc);
        check_copy_region({2, 3, 5, 5}, {0, 0, 0, 0}, {2, 3, 7, 9}, {0, 0, 1, 2}, {2, 3, 5, 5}, acc);  // pad
        check_copy_region({1, 3, 13, 12}, {0, 0, 1, 2}, {1, 3, 11, 9}, {0, 0, 0, 0}, {1, 3, 11, 9}, acc);  // crop
    }
    check_reduce({1000}, {true});                     // full, a block wraps over the reduced elements
    check_reduce({5, 6, 7}, {false, true, false});    // a middle axis: columns
    check_reduce({33, 100}, {false, true});           // rows
    check_reduce({300, 17}, {true, false});           // columns
    check_reduce({4, 3, 9, 8}, {true, false, true, true});  // per-channel, batch-norm style
    check_reduce({2, 3, 4, 5, 6}, {false, true, false, true, false});
    check_pool(2, 3, 9, 8, 2, 2, 2, 2, 0, 0, true);
    check_pool(1, 2, 11, 10, 3, 3, 2, 2, 1, 1, true);
    check_pool(1, 2, 11, 10, 3, 3, 2, 2, 1, 1, false);
    check_pool(2, 1, 7, 9, 3, 2, 1, 2, 1, 0, false);
    std::printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
