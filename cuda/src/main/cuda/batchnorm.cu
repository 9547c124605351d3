// Batch normalisation over x viewed as (n, c, spatial), per channel (Backend.batchNorm*; the CPU
// reference is dev.nucleon.core.cpu.BatchNormKernels). M = n·spatial values per channel.
//
//   batchnorm_statistics      one block per channel, two passes over its M values: mean = Σx / M, then
//                             variance = Σ(x − mean)² / M (biased). Each thread sums its share in double,
//                             block_sum adds the per-thread sums in double too (as reduce.cu does), so
//                             partial sums that cancel lose nothing before the final rounding to float.
//   batchnorm_forward         y = x·scale + shift with scale = invStd·γ, shift = β − mean·scale, per
//                             (image, channel) plane: blockIdx.y walks the planes, x-threads the plane.
//   batchnorm_backward_sums   one block per channel: Σgy and Σgy·x̂ (x̂ = (x − mean)·invStd), which are
//                             gBeta and gGamma and feed gx.
//   batchnorm_backward_input  gx = γ·invStd·(gy − Σgy/M − x̂·Σ(gy·x̂)/M) with batch statistics, else
//                             γ·invStd·gy (eval: mean and invStd are constants), per plane like the forward.
//
// A block walks its channel's values as (image, s) pairs with a flat stride of blockDim.x and a carry
// (for_each_in_channel), so consecutive threads read consecutive floats of a plane and no value costs a
// division, whatever the spatial size (1 × 1 included).
//
// The limit it chases: DRAM bandwidth (one or two reads of x per pass, one FMA-ish op per float). The
// per-channel kernels put one block of BN_THREADS threads per channel: with fewer channels than SMs
// (a U-Net's first layers: 32–64 channels on 132 SMs) part of the GPU idles in them; splitting a
// channel over several blocks with a deterministic combine is the next step if they show in profiles.
// Registers and shared memory per kernel (ptxas -v, sm_90, nvcc 13) are listed in NormalizationOps.
#include "common.cuh"

/** Calls visit(offset) for this thread's share of channel ch's values (offsets into x (n, c, spatial)). */
template <class Visit>
__device__ __forceinline__ void for_each_in_channel(int n, int c, int spatial, int ch, Visit visit) {
    const int stepImages = blockDim.x / spatial, stepS = blockDim.x % spatial;   // blockDim.x = stepImages·spatial + stepS
    int img = threadIdx.x / spatial, s = threadIdx.x % spatial;
    while (img < n) {
        visit(((long long)img * c + ch) * spatial + s);
        s += stepS;
        img += stepImages;
        if (s >= spatial) {   // s < 2·spatial: one carry suffices
            s -= spatial;
            ++img;
        }
    }
}

/** mean[ch] = Σx / M, variance[ch] = Σ(x − mean)² / M. Grid: blocks over channels, blockDim.x a multiple of 32. */
KERNEL void batchnorm_statistics(const float* __restrict__ x, int n, int c, int spatial,
                                 float* __restrict__ mean, float* __restrict__ variance) {
    const double count = (double)n * spatial;
    for (int ch = blockIdx.x; ch < c; ch += gridDim.x) {
        double sum = 0;
        for_each_in_channel(n, c, spatial, ch, [&](long long i) { sum += x[i]; });
        const float mu = (float)(block_sum(sum) / count);
        double squares = 0;
        for_each_in_channel(n, c, spatial, ch, [&](long long i) {
            const float d = x[i] - mu;
            squares += d * d;
        });
        const float var = (float)(block_sum(squares) / count);
        if (threadIdx.x == 0) {
            mean[ch] = mu;
            variance[ch] = var;
        }
    }
}

/** y = (x − mean)·invStd·γ + β. Grid: y over the n·c planes (grid-stride), x over each plane's values. */
KERNEL void batchnorm_forward(const float* __restrict__ x, int n, int c, int spatial, const float* __restrict__ mean,
                              const float* __restrict__ invStd, const float* __restrict__ gamma,
                              const float* __restrict__ beta, float* __restrict__ y) {
    const long long planes = (long long)n * c;
    for (long long plane = blockIdx.y; plane < planes; plane += gridDim.y) {
        const int ch = (int)(plane % c);
        const float scale = invStd[ch] * gamma[ch];
        const float shift = beta[ch] - mean[ch] * scale;
        const long long base = plane * spatial;
        for (int s = blockIdx.x * blockDim.x + threadIdx.x; s < spatial; s += blockDim.x * gridDim.x)
            y[base + s] = x[base + s] * scale + shift;
    }
}

/** sumGy[ch] = Σgy, sumGyXhat[ch] = Σgy·(x − mean)·invStd. Grid as batchnorm_statistics. */
KERNEL void batchnorm_backward_sums(const float* __restrict__ x, const float* __restrict__ gy, int n, int c, int spatial,
                                    const float* __restrict__ mean, const float* __restrict__ invStd,
                                    float* __restrict__ sumGy, float* __restrict__ sumGyXhat) {
    for (int ch = blockIdx.x; ch < c; ch += gridDim.x) {
        const float mu = mean[ch];
        double g = 0, gx = 0;
        for_each_in_channel(n, c, spatial, ch, [&](long long i) {
            const float v = gy[i];
            g += v;
            gx += v * (x[i] - mu);
        });
        const float total = (float)block_sum(g);
        const float centred = (float)block_sum(gx);
        if (threadIdx.x == 0) {
            sumGy[ch] = total;
            sumGyXhat[ch] = centred * invStd[ch];
        }
    }
}

/**
 * gx from gy: with batchStatistics (≠ 0) γ·invStd·(gy − Σgy/M − x̂·Σ(gy·x̂)/M), reading the sums of
 * batchnorm_backward_sums; else γ·invStd·gy (the sums are not read and may be null). Grid as the forward.
 */
KERNEL void batchnorm_backward_input(const float* __restrict__ x, const float* __restrict__ gy, int n, int c, int spatial,
                                     const float* __restrict__ mean, const float* __restrict__ invStd,
                                     const float* __restrict__ gamma, const float* __restrict__ sumGy,
                                     const float* __restrict__ sumGyXhat, int batchStatistics, float* __restrict__ gx) {
    const long long planes = (long long)n * c;
    const float count = (float)((double)n * spatial);
    for (long long plane = blockIdx.y; plane < planes; plane += gridDim.y) {
        const int ch = (int)(plane % c);
        const float k = gamma[ch] * invStd[ch];
        const float mu = mean[ch], is = invStd[ch];
        const float meanG = batchStatistics ? sumGy[ch] / count : 0.f;
        const float meanGXhat = batchStatistics ? sumGyXhat[ch] / count : 0.f;
        const long long base = plane * spatial;
        for (int s = blockIdx.x * blockDim.x + threadIdx.x; s < spatial; s += blockDim.x * gridDim.x) {
            const long long i = base + s;
            gx[i] = batchStatistics ? k * (gy[i] - meanG - (x[i] - mu) * is * meanGXhat) : k * gy[i];
        }
    }
}
