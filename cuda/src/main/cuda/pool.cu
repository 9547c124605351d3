// Pooling and upsampling on (N, C, H, W): max and average pooling and their backward, nearest and
// bilinear upsampling by an integer factor and their backward.
//
// Algorithm: one thread per OUTPUT element of each kernel, including the backward passes, which are
// written as gathers: each gx element visits the few windows (or upsampled pixels) that contain it and
// adds their contributions itself. No two threads write the same element, so there are no atomics and
// the result is deterministic; the additions happen in the same order as the CPU's scatter loops
// (windows in row-major order), so they round the same way. Max pool's backward recomputes each
// window's first maximum from x, as Backend.maxPool2dBackward asks.
//
// A few flops per byte: the limit is DRAM bytes/s. Consecutive threads handle consecutive outputs along
// W, so writes are coalesced and reads of neighbouring windows overlap in cache. The gathers re-read gy
// about (kernel/stride)² times (cache hits) and max pool's backward re-scans each covering window, a
// compute cost that stays below the memory time for the usual 2×2/3×3 windows.
//
// Formulas follow dev.nucleon.core.cpu.PoolingKernels: padded cells never win a max (and an all −∞
// window routes to its first in-bounds cell), NaN wins a max, count_include_pad counts the padding
// inside the padded extent only, bilinear uses half-pixel centres clamped at the border. Products and
// sums in the bilinear paths use __fmul_rn/__fadd_rn so nvcc cannot fuse them into FMAs that Java would
// round differently.
#include "common.cuh"

/** PoolGeometry, flattened by PoolingOps.table (same order). */
struct Pool {
    int n, channels, height, width;
    int kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
    int count_include_pad;
    int out_h, out_w;
};

// UpsampleMode ordinals (dev.nucleon.core.backend.UpsampleMode; KernelBinariesTest checks the Java enum has this order)
enum Upsample { NEAREST, BILINEAR };

/** Offset within its plane of the first maximum of window (i, j), as PoolingKernels.argMax. */
__device__ int window_argmax(const Pool& g, const float* __restrict__ plane, int i, int j) {
    int h0 = max(0, i * g.stride_h - g.pad_h), h1 = min(g.height, i * g.stride_h - g.pad_h + g.kernel_h);
    int w0 = max(0, j * g.stride_w - g.pad_w), w1 = min(g.width, j * g.stride_w - g.pad_w + g.kernel_w);
    int best = h0 * g.width + w0;
    float max = -INFINITY;
    for (int h = h0; h < h1; h++) {
        for (int w = w0; w < w1; w++) {
            float v = plane[h * g.width + w];
            if (!(v <= max)) { // v > max, or v is NaN, which wins at once
                max = v;
                best = h * g.width + w;
                if (v != v) return best;
            }
        }
    }
    return best;
}

/** Window (i, j) clipped to the image, and its average's divisor, as PoolingKernels.avg. */
__device__ int window_bounds(const Pool& g, int i, int j, int& hs, int& he, int& ws, int& we) {
    hs = i * g.stride_h - g.pad_h;
    ws = j * g.stride_w - g.pad_w;
    he = min(hs + g.kernel_h, g.height + g.pad_h);
    we = min(ws + g.kernel_w, g.width + g.pad_w);
    int pool_size = (he - hs) * (we - ws);
    hs = max(hs, 0);
    ws = max(ws, 0);
    he = min(he, g.height);
    we = min(we, g.width);
    return g.count_include_pad ? pool_size : (he - hs) * (we - ws);
}

/**
 * The windows along one axis that contain input position `pos`: first..last (empty when first > last).
 * Window i covers [i·stride − pad, i·stride − pad + kernel − 1].
 */
__device__ __forceinline__ void covering_windows(int pos, int kernel, int stride, int pad, int outs, int& first, int& last) {
    int lowest = pos + pad - kernel + 1; // i·stride ≥ lowest
    first = lowest <= 0 ? 0 : (lowest + stride - 1) / stride;
    last = min(outs - 1, (pos + pad) / stride);
}

/** y[p, i, j] = the first maximum of window (i, j) of plane p; n = N·C·out_h·out_w. */
KERNEL void max_pool_forward(Pool g, const float* __restrict__ x, float* __restrict__ y, long long n) {
    GRID_STRIDE_LOOP(o, n) {
        int j = o % g.out_w, i = o / g.out_w % g.out_h;
        const float* plane = x + o / ((long long)g.out_h * g.out_w) * g.height * g.width;
        y[o] = plane[window_argmax(g, plane, i, j)];
    }
}

/** gx[p, h, w] = Σ gy[p, i, j] over the windows whose first maximum is (h, w); n = N·C·H·W. */
KERNEL void max_pool_backward(Pool g, const float* __restrict__ x, const float* __restrict__ gy,
                              float* __restrict__ gx, long long n) {
    GRID_STRIDE_LOOP(e, n) {
        int w = e % g.width, h = e / g.width % g.height;
        long long p = e / ((long long)g.height * g.width);
        const float* plane = x + p * g.height * g.width;
        const float* g_plane = gy + p * g.out_h * g.out_w;
        int i0, i1, j0, j1;
        covering_windows(h, g.kernel_h, g.stride_h, g.pad_h, g.out_h, i0, i1);
        covering_windows(w, g.kernel_w, g.stride_w, g.pad_w, g.out_w, j0, j1);
        float sum = 0.f;
        for (int i = i0; i <= i1; i++) {
            for (int j = j0; j <= j1; j++) {
                if (window_argmax(g, plane, i, j) == h * g.width + w) sum += g_plane[i * g.out_w + j];
            }
        }
        gx[e] = sum;
    }
}

/** y[p, i, j] = Σ window / divisor, summed in double like the CPU; n = N·C·out_h·out_w. */
KERNEL void avg_pool_forward(Pool g, const float* __restrict__ x, float* __restrict__ y, long long n) {
    GRID_STRIDE_LOOP(o, n) {
        int j = o % g.out_w, i = o / g.out_w % g.out_h;
        const float* plane = x + o / ((long long)g.out_h * g.out_w) * g.height * g.width;
        int hs, he, ws, we;
        int divisor = window_bounds(g, i, j, hs, he, ws, we);
        double s = 0;
        for (int h = hs; h < he; h++) {
            for (int w = ws; w < we; w++) s += plane[h * g.width + w];
        }
        y[o] = (float)(s / divisor);
    }
}

/** gx[p, h, w] = Σ gy[p, i, j] / divisor(i, j) over the windows containing (h, w); n = N·C·H·W. */
KERNEL void avg_pool_backward(Pool g, const float* __restrict__ gy, float* __restrict__ gx, long long n) {
    GRID_STRIDE_LOOP(e, n) {
        int w = e % g.width, h = e / g.width % g.height;
        const float* g_plane = gy + e / ((long long)g.height * g.width) * g.out_h * g.out_w;
        int i0, i1, j0, j1;
        covering_windows(h, g.kernel_h, g.stride_h, g.pad_h, g.out_h, i0, i1);
        covering_windows(w, g.kernel_w, g.stride_w, g.pad_w, g.out_w, j0, j1);
        float sum = 0.f;
        for (int i = i0; i <= i1; i++) {
            for (int j = j0; j <= j1; j++) {
                int hs, he, ws, we;
                sum += g_plane[i * g.out_w + j] / window_bounds(g, i, j, hs, he, ws, we);
            }
        }
        gx[e] = sum;
    }
}

// ----- upsampling -------------------------------------------------------------------------------------

/**
 * Where output coordinate d (of size·factor) reads from along one axis, as PoolingKernels.sourceIndex:
 * nearest: lo = d / factor; bilinear: s = max(0, (d + 0.5)/factor − 0.5), lo = ⌊s⌋, hi = min(lo + 1,
 * size − 1), lambda = s − lo (the weight of hi).
 */
__device__ __forceinline__ void source_index(int mode, int d, int factor, int size, int& lo, int& hi, float& lambda) {
    if (mode == NEAREST) {
        lo = hi = d / factor;
        lambda = 0.f;
        return;
    }
    float s = fmaxf(0.f, ((float)d + 0.5f) / (float)factor - 0.5f);
    lo = min((int)s, size - 1);
    hi = min(lo + 1, size - 1);
    lambda = s - (float)lo;
}

/** big[p, i, j] from small (p, h, w); n = N·C·(h·factor)·(w·factor). */
KERNEL void upsample_forward(int mode, int h, int w, int factor, const float* __restrict__ small,
                             float* __restrict__ big, long long n) {
    int bh = h * factor, bw = w * factor;
    GRID_STRIDE_LOOP(o, n) {
        int j = o % bw, i = o / bw % bh;
        const float* plane = small + o / ((long long)bh * bw) * h * w;
        int r0, r1, c0, c1;
        float ly, lx;
        source_index(mode, i, factor, h, r0, r1, ly);
        source_index(mode, j, factor, w, c0, c1, lx);
        if (mode == NEAREST) {
            big[o] = plane[r0 * w + c0];
        } else {
            float w00 = (1.f - ly) * (1.f - lx), w01 = (1.f - ly) * lx, w10 = ly * (1.f - lx), w11 = ly * lx;
            float v = __fmul_rn(w00, plane[r0 * w + c0]);
            v = __fadd_rn(v, __fmul_rn(w01, plane[r0 * w + c1]));
            v = __fadd_rn(v, __fmul_rn(w10, plane[r1 * w + c0]));
            big[o] = __fadd_rn(v, __fmul_rn(w11, plane[r1 * w + c1]));
        }
    }
}

/**
 * small_grad[p, y, x] = Σ of big_grad over the upsampled pixels that read (y, x), each times its weight;
 * n = N·C·h·w. Nearest: the factor×factor block above (y, x). Bilinear: a pixel i reads rows lo(i) and
 * hi(i), which lie within one row of i/factor, so the rows [(y − 1)·factor, (y + 2)·factor) hold every
 * candidate (and likewise for columns); each candidate is tested with the forward's own source_index.
 */
KERNEL void upsample_backward(int mode, int h, int w, int factor, const float* __restrict__ big_grad,
                              float* __restrict__ small_grad, long long n) {
    int bh = h * factor, bw = w * factor;
    GRID_STRIDE_LOOP(e, n) {
        int x = e % w, y = e / w % h;
        const float* g_plane = big_grad + e / ((long long)h * w) * bh * bw;
        float sum = 0.f;
        if (mode == NEAREST) {
            for (int i = y * factor; i < (y + 1) * factor; i++) {
                for (int j = x * factor; j < (x + 1) * factor; j++) sum += g_plane[i * bw + j];
            }
        } else {
            for (int i = max(0, (y - 1) * factor); i < min(bh, (y + 2) * factor); i++) {
                int r0, r1;
                float ly;
                source_index(mode, i, factor, h, r0, r1, ly);
                if (r0 != y && r1 != y) continue;
                for (int j = max(0, (x - 1) * factor); j < min(bw, (x + 2) * factor); j++) {
                    int c0, c1;
                    float lx;
                    source_index(mode, j, factor, w, c0, c1, lx);
                    if (c0 != x && c1 != x) continue;
                    float g = g_plane[i * bw + j];
                    // the four corners in the CPU's order: (lo, lo), (lo, hi), (hi, lo), (hi, hi)
                    if (r0 == y && c0 == x) sum = __fadd_rn(sum, __fmul_rn((1.f - ly) * (1.f - lx), g));
                    if (r0 == y && c1 == x) sum = __fadd_rn(sum, __fmul_rn((1.f - ly) * lx, g));
                    if (r1 == y && c0 == x) sum = __fadd_rn(sum, __fmul_rn(ly * (1.f - lx), g));
                    if (r1 == y && c1 == x) sum = __fadd_rn(sum, __fmul_rn(ly * lx, g));
                }
            }
        }
        small_grad[e] = sum;
    }
}
