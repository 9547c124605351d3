// Reductions: sum/max over some axes, softmax and log-softmax over an axis and their backward, and the
// negative log-likelihood with its backward.
//
// Each of these reads every input element once and writes a smaller (or equal) output, about one flop
// per element: the limit they chase is DRAM bytes/s, so the work is laid out for coalesced reads.
//
// reduce: the Java side merges axes (ShapeTables.coalesce) and splits them into the kept axes (one per
// output element, `kept`) and the reduced ones (`reduced`), both as Shape tables with x's strides.
//  - reduce_rows, when the innermost axis is reduced: a block per output element, its threads striding
//    through the reduced elements (consecutive threads read consecutive floats), then a block reduction.
//    When there are too few outputs to fill the GPU (a full sum, a per-channel sum), reduce_rows_split
//    gives each output several blocks, each writing a double partial, and reduce_partials adds them up.
//  - reduce_columns, when the innermost axis is kept: a thread per output element, looping over the
//    reduced elements; consecutive threads read consecutive floats at every step.
// Sums accumulate in double, like the CPU (which also sums in double, in another order): the results
// differ from the CPU's by the order of double additions (~1e-16 relative) before the final rounding to
// float, so they are nearly always the identical float. Max is exact; NaN wins, as with Java's Math.max.
//
// softmax over the middle axis of (outer, dim, inner): softmax_*_lines give each line (o, i) one thread
// (inner > 1: consecutive threads take consecutive i, so every read is coalesced); softmax_*_rows give
// each row one warp (inner == 1: the lanes stride along the contiguous row). Max in float, Σ exp in
// double, exp in float: within a few float ulps of the CPU (which takes exp in double).
//
// nll_loss (forward and backward) validates targets as the CPU does; an invalid one sets *error = 1
// (every writer stores the same value, so the race is benign) and the Java side, after downloading the
// flag, finds the first invalid target and throws the CPU's message. The backward is a gather: one
// thread per gLogp element, which writes −gLoss or 0, so no separate zero fill is needed.
#include "common.cuh"

// ReduceOp ordinals (dev.nucleon.core.backend.ReduceOp; KernelBinariesTest checks the Java enum has this order)
enum Reduce { SUM, MAX };

/** Math.max on doubles (NaN wins). */
__device__ __forceinline__ double java_max_d(double a, double b) {
    return a != a || b != b ? __longlong_as_double(0x7ff8000000000000ll) : fmax(a, b);
}

/** This thread's part of one output: x[base + offset_of(reduced, r)] for r = first, first + step, … < last. */
__device__ double thread_reduce(int op, const Shape& reduced, const float* __restrict__ x, long long base,
                                long long first, long long last, long long step) {
    double acc = op == SUM ? 0.0 : -INFINITY;
    for (long long r = first; r < last; r += step) {
        float v = x[base + offset_of(reduced, r)];
        acc = op == SUM ? acc + v : java_max_d(acc, v);
    }
    return acc;
}

/** The whole block's reduction of r in [first, last); every thread gets it. */
__device__ double block_reduce(int op, const Shape& reduced, const float* __restrict__ x, long long base,
                               long long first, long long last) {
    double mine = thread_reduce(op, reduced, x, base, first + threadIdx.x, last, blockDim.x);
    // a max over floats is a float, so the float block_max is exact here
    return op == SUM ? block_sum(mine) : (double)block_max((float)mine);
}

/** out[o] = reduction over `reduced` of x at kept position o; a block per output (grid-stride over outputs). */
KERNEL void reduce_rows(int op, Shape kept, Shape reduced, const float* __restrict__ x, float* __restrict__ out,
                        long long outputs, long long count) {
    for (long long o = blockIdx.x; o < outputs; o += gridDim.x) {
        double v = block_reduce(op, reduced, x, offset_of(kept, o), 0, count);
        if (threadIdx.x == 0) out[o] = (float)v;
    }
}

/** partial[o·chunks + c] = reduction of chunk c (of `chunks` equal ranges of the reduced elements) of output o. */
KERNEL void reduce_rows_split(int op, Shape kept, Shape reduced, const float* __restrict__ x,
                              double* __restrict__ partial, long long outputs, long long count, int chunks) {
    long long length = (count + chunks - 1) / chunks;
    for (long long job = blockIdx.x; job < outputs * chunks; job += gridDim.x) {
        long long o = job / chunks, first = job % chunks * length;
        double v = block_reduce(op, reduced, x, offset_of(kept, o), first, min(count, first + length));
        if (threadIdx.x == 0) partial[job] = v;
    }
}

/** out[o] = reduction of partial[o·chunks .. (o + 1)·chunks); a block per output. */
KERNEL void reduce_partials(int op, const double* __restrict__ partial, float* __restrict__ out,
                            long long outputs, int chunks) {
    for (long long o = blockIdx.x; o < outputs; o += gridDim.x) {
        double acc = op == SUM ? 0.0 : -INFINITY;
        for (int c = threadIdx.x; c < chunks; c += blockDim.x) {
            double v = partial[o * chunks + c];
            acc = op == SUM ? acc + v : java_max_d(acc, v);
        }
        double v = op == SUM ? block_sum(acc) : (double)block_max((float)acc);
        if (threadIdx.x == 0) out[o] = (float)v;
    }
}

/** out[o] = reduction over `reduced` of x at kept position o; a thread per output. */
KERNEL void reduce_columns(int op, Shape kept, Shape reduced, const float* __restrict__ x, float* __restrict__ out,
                           long long outputs, long long count) {
    GRID_STRIDE_LOOP(o, outputs) out[o] = (float)thread_reduce(op, reduced, x, offset_of(kept, o), 0, count, 1);
}

// ----- softmax ----------------------------------------------------------------------------------------
//
// One line is the `dim` elements base + k·inner, k in [0, dim). With WARP the 32 lanes of a warp share
// the line (lane k, k + 32, …) and combine with shuffles; without, one thread does it all.

template <bool WARP> __device__ __forceinline__ float line_max(float v) { return WARP ? warp_max(v) : v; }
template <bool WARP> __device__ __forceinline__ double line_sum(double v) { return WARP ? warp_sum(v) : v; }

/** y = softmax (or log-softmax) of one line of x, as ReductionKernels.softmax computes it. */
template <bool WARP>
__device__ void softmax_line(const float* __restrict__ x, float* __restrict__ y, long long base, int dim, int inner,
                             int log_softmax) {
    int first = WARP ? threadIdx.x & 31 : 0, step = WARP ? 32 : 1;
    float max = -INFINITY;
    for (int k = first; k < dim; k += step) max = java_max(max, x[base + (long long)k * inner]);
    max = line_max<WARP>(max);
    double sum = 0;
    for (int k = first; k < dim; k += step) sum += expf(x[base + (long long)k * inner] - max);
    sum = line_sum<WARP>(sum);
    if (log_softmax) {
        float log_sum = (float)log(sum) + max;
        for (int k = first; k < dim; k += step) y[base + (long long)k * inner] = x[base + (long long)k * inner] - log_sum;
    } else {
        for (int k = first; k < dim; k += step) {
            y[base + (long long)k * inner] = (float)(expf(x[base + (long long)k * inner] - max) / sum);
        }
    }
}

/** gx = y·(gy − Σ gy·y), or gy − eʸ·Σ gy for log-softmax, on one line, as ReductionKernels.softmaxBackward. */
template <bool WARP>
__device__ void softmax_backward_line(const float* __restrict__ y, const float* __restrict__ gy, float* __restrict__ gx,
                                      long long base, int dim, int inner, int log_softmax) {
    int first = WARP ? threadIdx.x & 31 : 0, step = WARP ? 32 : 1;
    double dot = 0;
    for (int k = first; k < dim; k += step) {
        long long i = base + (long long)k * inner;
        dot += log_softmax ? gy[i] : gy[i] * y[i];
    }
    dot = line_sum<WARP>(dot);
    for (int k = first; k < dim; k += step) {
        long long i = base + (long long)k * inner;
        gx[i] = log_softmax ? (float)(gy[i] - (double)expf(y[i]) * dot) : (float)(y[i] * (gy[i] - dot));
    }
}

/** The first element of line `line` of (outer, dim, inner). */
__device__ __forceinline__ long long line_base(long long line, int dim, int inner) {
    return line / inner * dim * inner + line % inner;
}

/** A thread per line (for inner > 1). */
KERNEL void softmax_lines(const float* __restrict__ x, float* __restrict__ y, long long lines, int dim, int inner,
                          int log_softmax) {
    GRID_STRIDE_LOOP(line, lines) softmax_line<false>(x, y, line_base(line, dim, inner), dim, inner, log_softmax);
}

/** A warp per row (for inner == 1); the row loop is uniform across the warp, as the shuffles need. */
KERNEL void softmax_rows(const float* __restrict__ x, float* __restrict__ y, long long rows, int dim, int log_softmax) {
    long long warps = (long long)gridDim.x * blockDim.x / 32;
    for (long long row = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32; row < rows; row += warps) {
        softmax_line<true>(x, y, row * dim, dim, 1, log_softmax);
    }
}

KERNEL void softmax_backward_lines(const float* __restrict__ y, const float* __restrict__ gy, float* __restrict__ gx,
                                   long long lines, int dim, int inner, int log_softmax) {
    GRID_STRIDE_LOOP(line, lines) {
        softmax_backward_line<false>(y, gy, gx, line_base(line, dim, inner), dim, inner, log_softmax);
    }
}

KERNEL void softmax_backward_rows(const float* __restrict__ y, const float* __restrict__ gy, float* __restrict__ gx,
                                  long long rows, int dim, int log_softmax) {
    long long warps = (long long)gridDim.x * blockDim.x / 32;
    for (long long row = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32; row < rows; row += warps) {
        softmax_backward_line<true>(y, gy, gx, row * dim, dim, 1, log_softmax);
    }
}

// ----- negative log-likelihood ------------------------------------------------------------------------

/** The CPU's test, (int) t == t and 0 <= t < classes, written in float (NaN fails every comparison). */
__device__ __forceinline__ bool valid_class(float t, int classes) {
    return t >= 0.f && t < (float)classes && t == truncf(t);
}

/** loss[o, i] = −logp[o, target[o, i], i]; positions = outer·inner. */
KERNEL void nll_loss(const float* __restrict__ logp, const float* __restrict__ target, float* __restrict__ loss,
                     float* __restrict__ error, long long positions, int classes, int inner) {
    GRID_STRIDE_LOOP(p, positions) {
        float t = target[p];
        if (valid_class(t, classes)) {
            long long o = p / inner, i = p % inner;
            loss[p] = -logp[(o * classes + (int)t) * inner + i];
        } else {
            loss[p] = __int_as_float(0x7fc00000);
            *error = 1.f;
        }
    }
}

/** gLogp[o, c, i] = −gLoss[o, i] where c = target[o, i], else 0; a thread per gLogp element (n = outer·classes·inner). */
KERNEL void nll_loss_backward(const float* __restrict__ target, const float* __restrict__ g_loss,
                              float* __restrict__ g_logp, float* __restrict__ error, long long n, int classes, int inner) {
    GRID_STRIDE_LOOP(e, n) {
        long long i = e % inner, o = e / inner / classes;
        int c = (int)(e / inner % classes);
        long long p = o * inner + i;
        float t = target[p];
        if (!valid_class(t, classes)) {
            *error = 1.f;
            g_logp[e] = 0.f;
        } else {
            g_logp[e] = t == (float)c ? -g_loss[p] : 0.f;
        }
    }
}
