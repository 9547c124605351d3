// Desk-check of gemm.cu, conv.cu and batchnorm.cu on the host (no GPU): the kernel sources compiled by
// g++ against cuda_host_shim.h, launched with the grids the Java side computes, compared with naive
// double-precision loops written from core's definitions. Run: cuda/src/test/cuda/emulate.sh
#include "cuda_host_shim.h"
#include "../../main/cuda/gemm.cu"
#include "../../main/cuda/conv.cu"
#include "../../main/cuda/batchnorm.cu"

#include <cstddef>
#include <cstdio>
#include <random>
#include <string>

static std::mt19937 rng(42);
static int failures = 0, checks = 0;

static std::vector<float> random(size_t n) {
    std::uniform_real_distribution<float> d(-1.f, 1.f);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

/** |got − want| ≤ 1e-4·max(1, |want|)·√K/8 + 1e-5 (the CudaVsCpuComputeTest tolerance), and NaN-free. */
static void compare(const std::string& what, const std::vector<float>& got, const std::vector<double>& want, double k) {
    ++checks;
    double worst = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        double tol = 1e-4 * std::max(1.0, std::fabs(want[i])) * std::max(1.0, std::sqrt(k) / 8) + 1e-5;
        double err = std::fabs(got[i] - want[i]);
        if (!(err <= tol)) {
            if (failures < 20) std::printf("FAIL %s at %zu: got %g want %g\n", what.c_str(), i, got[i], want[i]);
            ++failures;
            return;
        }
        worst = std::max(worst, err);
    }
}

static dim3 grid(int tileRows, int tileCols, long m, long n, int z) {
    return {unsigned((n + tileCols - 1) / tileCols), unsigned((m + tileRows - 1) / tileRows), unsigned(z)};
}

// ---------------------------------------------------------------- matmul
static void check_matmul(int batch, int m, int n, int k, bool ta, bool tb, long aStride, long bStride) {
    size_t aSize = aStride == 0 ? size_t(m) * k : size_t(aStride) * batch, bSize = bStride == 0 ? size_t(k) * n : size_t(bStride) * batch;
    auto a = random(aSize), b = random(bSize);
    std::vector<double> want(size_t(batch) * m * n);
    for (int i = 0; i < batch; ++i)
        for (int r = 0; r < m; ++r)
            for (int c = 0; c < n; ++c) {
                double s = 0;
                for (int p = 0; p < k; ++p) {
                    double av = ta ? a[i * aStride + size_t(p) * m + r] : a[i * aStride + size_t(r) * k + p];
                    double bv = tb ? b[i * bStride + size_t(c) * k + p] : b[i * bStride + size_t(p) * n + c];
                    s += av * bv;
                }
                want[(size_t(i) * m + r) * n + c] = s;
            }
    using K = void (*)(int, int, int, const float*, long long, const float*, long long, float*, int, int);
    K large[4] = {sgemm_large_nn, sgemm_large_nt, sgemm_large_tn, sgemm_large_tt};
    K small[4] = {sgemm_small_nn, sgemm_small_nt, sgemm_small_tn, sgemm_small_tt};
    int which = (ta ? 2 : 0) + (tb ? 1 : 0);
    for (int tile = 0; tile < 2; ++tile) {
        int size = tile == 0 ? 128 : 32, threads = tile == 0 ? 256 : 64;
        K kernel = tile == 0 ? large[which] : small[which];
        char name[160];
        std::snprintf(name, sizeof name, "matmul %s batch=%d m=%d n=%d k=%d ta=%d tb=%d strides=%ld,%ld", tile ? "small" : "large",
                      batch, m, n, k, ta, tb, aStride, bStride);
        std::vector<float> c(want.size(), NAN);
        launch(grid(size, size, m, n, batch), {unsigned(threads)},
               [&] { kernel(m, n, k, a.data(), aStride, b.data(), bStride, c.data(), 0, 0); });
        compare(name, c, want, k);
        // GemmOps.launches with at most `tilesPerLaunch` row tiles per grid (65,535 on a GPU; 1 and 2 here so a
        // small product is sliced): every row slice starts at firstRow and the slices cover m exactly once
        for (int tilesPerLaunch : {1, 2}) {
            std::vector<float> sliced(want.size(), NAN);
            const int rowsPerLaunch = tilesPerLaunch * size;
            for (int firstRow = 0; firstRow < m; firstRow += rowsPerLaunch) {
                const int rows = std::min(rowsPerLaunch, m - firstRow);
                launch(grid(size, size, rows, n, batch), {unsigned(threads)},
                       [&] { kernel(m, n, k, a.data(), aStride, b.data(), bStride, sliced.data(), 0, firstRow); });
            }
            compare(std::string(name) + " row slices of " + std::to_string(rowsPerLaunch), sliced, want, k);
        }
    }
}

// ---------------------------------------------------------------- conv
struct Geo {
    int n, c, h, w, cout, kh, kw, sh, sw, ph, pw, dh, dw, groups;
    int outH() const { return (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1; }
    int outW() const { return (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1; }
    ConvShape shape() const { return {n, c, h, w, cout, kh, kw, sh, sw, ph, pw, dh, dw, groups, outH(), outW()}; }
};

static void check_conv(const Geo& g, bool bias) {
    const int oh = g.outH(), ow = g.outW(), inG = g.c / g.groups, outG = g.cout / g.groups;
    const int taps = g.kh * g.kw, P = oh * ow;
    auto x = random(size_t(g.n) * g.c * g.h * g.w);
    auto w = random(size_t(g.cout) * inG * taps);
    auto bv = random(g.cout);
    auto gy = random(size_t(g.n) * g.cout * P);
    std::vector<double> y(gy.size(), 0), gx(x.size(), 0), gw(w.size(), 0);
    for (int img = 0; img < g.n; ++img)
        for (int co = 0; co < g.cout; ++co) {
            int grp = co / outG;
            for (int a = 0; a < oh; ++a)
                for (int bq = 0; bq < ow; ++bq) {
                    size_t yi = ((size_t(img) * g.cout + co) * oh + a) * ow + bq;
                    double s = bias ? bv[co] : 0;
                    for (int ci = 0; ci < inG; ++ci)
                        for (int i = 0; i < g.kh; ++i)
                            for (int j = 0; j < g.kw; ++j) {
                                int ih = a * g.sh - g.ph + i * g.dh, iw = bq * g.sw - g.pw + j * g.dw;
                                if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
                                size_t xi = ((size_t(img) * g.c + grp * inG + ci) * g.h + ih) * g.w + iw;
                                size_t wi = ((size_t(co) * inG + ci) * g.kh + i) * g.kw + j;
                                s += double(w[wi]) * x[xi];
                                gx[xi] += double(w[wi]) * gy[yi];
                                gw[wi] += double(gy[yi]) * x[xi];
                            }
                    y[yi] = s;
                }
        }
    ConvShape s = g.shape();
    char name[200];
    std::snprintf(name, sizeof name, "n=%d c=%d %dx%d cout=%d k=%dx%d s=%d,%d p=%d,%d d=%d,%d g=%d bias=%d", g.n, g.c, g.h, g.w,
                  g.cout, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.groups, bias);
    for (int tile = 0; tile < 2; ++tile) {
        int size = tile == 0 ? 128 : 32;
        dim3 block{unsigned(tile == 0 ? 256 : 64)};
        std::string t = tile == 0 ? "large " : "small ";
        std::vector<float> out(y.size(), NAN);
        launch(grid(size, size, outG, long(g.n) * P, g.groups), block, [&] {
            (tile == 0 ? conv_forward_large : conv_forward_small)(s, x.data(), w.data(), bias ? bv.data() : nullptr, out.data());
        });
        compare(t + "forward " + name, out, y, inG * taps);
        std::vector<float> dx(x.size(), NAN);
        launch(grid(size, size, inG, long(g.n) * g.h * g.w, g.groups), block, [&] {
            (tile == 0 ? conv_backward_data_large : conv_backward_data_small)(s, gy.data(), w.data(), dx.data());
        });
        compare(t + "backward data " + name, dx, gx, outG * taps);
        const int K = g.n * P;
        for (int slices : {1, 2, 3}) {
            int chunk = ((K + slices - 1) / slices + 7) / 8 * 8;
            int used = (K + chunk - 1) / chunk;
            std::vector<float> partials(w.size() * used, NAN), dw(w.size(), NAN);
            launch(grid(size, size, outG, long(inG) * taps, g.groups * used), block, [&] {
                (tile == 0 ? conv_backward_weight_large : conv_backward_weight_small)(s, x.data(), gy.data(),
                                                                                    used == 1 ? dw.data() : partials.data(), chunk);
            });
            if (used > 1)
                launch({3}, {64}, [&] { splitk_sum(partials.data(), used, (long long)w.size(), dw.data()); });
            compare(t + "backward weight slices=" + std::to_string(used) + " " + name, dw, gw, K);
        }
    }
}

// ---------------------------------------------------------------- batch norm
static void check_batchnorm(int n, int c, int spatial, unsigned threads, const std::vector<float>* xIn = nullptr) {
    auto x = xIn ? *xIn : random(size_t(n) * c * spatial), gy = xIn ? *xIn : random(x.size());
    auto gamma = random(c), beta = random(c);
    const double M = double(n) * spatial;
    std::vector<double> mean(c), var(c), invStd(c), y(x.size()), gxBatch(x.size()), gxFixed(x.size()), gGamma(c), gBeta(c);
    std::vector<float> invStdF(c);
    for (int ch = 0; ch < c; ++ch) {
        double s = 0, ss = 0;
        for (int b = 0; b < n; ++b) for (int i = 0; i < spatial; ++i) s += x[(size_t(b) * c + ch) * spatial + i];
        mean[ch] = s / M;
        for (int b = 0; b < n; ++b) for (int i = 0; i < spatial; ++i) { double d = x[(size_t(b) * c + ch) * spatial + i] - mean[ch]; ss += d * d; }
        var[ch] = ss / M;
        invStdF[ch] = float(1 / std::sqrt(var[ch] + 1e-5));
        invStd[ch] = invStdF[ch];
    }
    std::vector<float> meanF(mean.begin(), mean.end());
    for (int ch = 0; ch < c; ++ch) {
        double sg = 0, sgx = 0;
        for (int b = 0; b < n; ++b)
            for (int i = 0; i < spatial; ++i) {
                size_t e = (size_t(b) * c + ch) * spatial + i;
                double xh = (x[e] - meanF[ch]) * invStd[ch];
                y[e] = xh * gamma[ch] + beta[ch];
                sg += gy[e];
                sgx += gy[e] * xh;
            }
        gBeta[ch] = sg;
        gGamma[ch] = sgx;
        for (int b = 0; b < n; ++b)
            for (int i = 0; i < spatial; ++i) {
                size_t e = (size_t(b) * c + ch) * spatial + i;
                double xh = (x[e] - meanF[ch]) * invStd[ch], k = gamma[ch] * invStd[ch];
                gxBatch[e] = k * (gy[e] - sg / M - xh * sgx / M);
                gxFixed[e] = k * gy[e];
            }
    }
    char name[80];
    std::snprintf(name, sizeof name, "batchnorm n=%d c=%d spatial=%d threads=%u", n, c, spatial, threads);
    std::vector<float> m(c, NAN), v(c, NAN);
    launch({unsigned(std::min(c, 3))}, {threads}, [&] { batchnorm_statistics(x.data(), n, c, spatial, m.data(), v.data()); });
    compare(std::string(name) + " mean", m, mean, M);
    compare(std::string(name) + " variance", v, var, M);
    // the plane grid of NormalizationOps.perPlane, with y capped low to exercise the grid-stride walk
    unsigned pt = std::min(256u, unsigned((spatial + 31) / 32 * 32));
    dim3 planes{unsigned(std::min((spatial + int(pt) - 1) / int(pt), 2)), unsigned(std::min(n * c, 5)), 1};
    std::vector<float> out(x.size(), NAN);
    launch(planes, {pt}, [&] { batchnorm_forward(x.data(), n, c, spatial, meanF.data(), invStdF.data(), gamma.data(), beta.data(), out.data()); });
    compare(std::string(name) + " forward", out, y, 1);
    std::vector<float> sg(c, NAN), sgx(c, NAN), gx(x.size(), NAN);
    launch({unsigned(std::min(c, 3))}, {threads}, [&] {
        batchnorm_backward_sums(x.data(), gy.data(), n, c, spatial, meanF.data(), invStdF.data(), sg.data(), sgx.data());
    });
    compare(std::string(name) + " gBeta", sg, gBeta, M);
    compare(std::string(name) + " gGamma", sgx, gGamma, M);
    launch(planes, {pt}, [&] {
        batchnorm_backward_input(x.data(), gy.data(), n, c, spatial, meanF.data(), invStdF.data(), gamma.data(), sg.data(), sgx.data(), 1, gx.data());
    });
    compare(std::string(name) + " gx (batch statistics)", gx, gxBatch, M);
    launch(planes, {pt}, [&] {
        batchnorm_backward_input(x.data(), gy.data(), n, c, spatial, meanF.data(), invStdF.data(), gamma.data(), nullptr, nullptr, 0, gx.data());
    });
    compare(std::string(name) + " gx (fixed statistics)", gx, gxFixed, 1);
}

// struct Shape and Walk2 as ShapeTables packs them (26 and 42 ints; 64-bit strides first, low word first)
static_assert(sizeof(Shape) == 26 * 4 && offsetof(Shape, size) == 16 * 4 && offsetof(Shape, rank) == 24 * 4, "Shape layout");
static_assert(sizeof(Walk2) == 42 * 4 && offsetof(Walk2, stride1) == 16 * 4 && offsetof(Walk2, size) == 32 * 4
              && offsetof(Walk2, rank) == 40 * 4, "Walk2 layout");

int main() {
    // matmul: edges (1, tile ± 1), odd sizes, k = 0, transposes, broadcast and unaligned batch strides
    for (bool ta : {false, true})
        for (bool tb : {false, true}) {
            check_matmul(1, 1, 1, 1, ta, tb, 1, 1);
            check_matmul(2, 33, 31, 9, ta, tb, 33 * 9, 0);
            check_matmul(3, 129, 130, 17, ta, tb, 0, 17 * 130);
            check_matmul(2, 7, 5, 3, ta, tb, 7 * 3 + 1, 5 * 3 + 2);   // strides not multiples of 4: scalar path
            check_matmul(1, 64, 36, 40, ta, tb, 0, 0);                 // everything float4-aligned
            check_matmul(1, 5, 6, 0, ta, tb, 0, 0);                    // k = 0: zeros
        }
    // conv: 3×3 pad 1, odd sizes, groups, stride 2, dilation 2, 1×1, rectangular kernels, batch 1 and 3
    check_conv({1, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1}, true);
    check_conv({3, 4, 6, 5, 6, 3, 3, 2, 2, 1, 1, 1, 1, 2}, true);
    check_conv({2, 6, 9, 8, 4, 3, 3, 1, 1, 2, 2, 2, 2, 2}, false);
    check_conv({2, 8, 4, 4, 12, 1, 1, 1, 1, 0, 0, 1, 1, 1}, true);
    check_conv({1, 4, 8, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4}, true);     // depthwise
    check_conv({2, 3, 10, 11, 7, 2, 3, 2, 1, 0, 1, 1, 2, 1}, false); // rectangular, mixed stride/dilation
    check_conv({3, 2, 5, 5, 3, 5, 5, 3, 3, 2, 2, 1, 1, 1}, true);     // kernel 5 stride 3
    check_conv({1, 36, 12, 12, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1}, true); // crosses 32-row tiles, K = 324
    // batch norm: spatial below, equal to and above the block; 1×1 spatial
    check_batchnorm(3, 4, 25, 64);
    check_batchnorm(2, 3, 64, 64);
    check_batchnorm(5, 2, 1, 64);
    check_batchnorm(2, 5, 300, 128);
    // sums that cancel: ±1e8 in lanes 0 and 1 and ones elsewhere. Summed in float the warp tree loses the ones
    // that meet ±1e8 (float's spacing there is 8): Σx came out 48 instead of 62 (mean 0.75, not 0.96875), as
    // did Σgy, before batchnorm.cu summed the partials in double; in double both are exact.
    {
        std::vector<float> cancel(64, 1.f);
        cancel[0] = 1e8f;
        cancel[1] = -1e8f;
        check_batchnorm(1, 1, 64, 64, &cancel);
    }
    std::printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
