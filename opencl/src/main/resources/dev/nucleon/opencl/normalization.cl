// Backend.batchNormForward: y = x·scale[c] + shift[c] with scale = invStd·γ and shift = β − mean·scale, rounded in
// the composed default's order (so the two agree to the bit). One work-item per element, one launch, no
// temporaries (the composed default runs four broadcast binaries). Memory-bound: one read of x, one write of y.
// The batch statistics and the backward pass follow, below.

__kernel void batch_norm_forward(__global const float* x, __global const float* mean, __global const float* inv_std,
                                 __global const float* gamma, __global const float* beta, __global float* y,
                                 int c, long spatial, long n) {
    long i = get_global_id(0);
    if (i >= n) return;
    int ch = (int)((i / spatial) % c);
    float scale = inv_std[ch] * gamma[ch];
    float shift = beta[ch] - mean[ch] * scale;
    y[i] = x[i] * scale + shift;
}

/** Work-items per channel in the per-channel sums below: a power of two every device's work-groups allow. */
#define SUM_GROUP 64

/** Adds the SUM_GROUP partial sums of a work-group in local memory (a tree); every work-item must call it. */
inline acc_t work_group_sum(__local acc_t* partial, acc_t mine) {
    int lid = get_local_id(0);
    partial[lid] = mine;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int width = SUM_GROUP / 2; width > 0; width /= 2) {
        if (lid < width) {
            partial[lid] += partial[lid + width];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    acc_t total = partial[0];
    barrier(CLK_LOCAL_MEM_FENCE); // partial may be reused at once
    return total;
}

// Backend.batchNormStatistics: per channel of x (N, C, S), over its M = N·S values,
//   μ = Σx / M,   σ² = Σ(x − μ)² / M   (biased; two passes over the channel, as the composed default: the sums in
//   acc_t, μ, each x − μ and its square rounded to float in that order).
// One work-group of SUM_GROUP work-items per channel (global (SUM_GROUP·C), local (SUM_GROUP)): each work-item sums
// every SUM_GROUP-th of the channel's values, a tree in local memory adds the partial sums.
__kernel void batch_norm_statistics(__global const float* x, __global float* mean, __global float* variance, int n,
                                    int c, long spatial) {
    int ch = get_group_id(0);
    int lid = get_local_id(0);
    __local acc_t partial[SUM_GROUP];
    long count = (long)n * spatial;
    float m = (float)count;
    acc_t sum = 0;
    for (long j = lid; j < count; j += SUM_GROUP) { // j = b·S + s
        long b = j / spatial;
        sum += x[(b * c + ch) * spatial + (j - b * spatial)];
    }
    float mu = (float)work_group_sum(partial, sum) / m;
    acc_t squares = 0;
    for (long j = lid; j < count; j += SUM_GROUP) {
        long b = j / spatial;
        float d = x[(b * c + ch) * spatial + (j - b * spatial)] - mu;
        squares += d * d;
    }
    float var = (float)work_group_sum(partial, squares) / m;
    if (lid == 0) {
        mean[ch] = mu;
        variance[ch] = var;
    }
}

// Backend.batchNormBackward, x viewed as (N, C, S) with S = H·W and M = N·S values per channel, x̂ = (x − μ)·invStd:
//   gβ = Σ gy,  gγ = Σ gy·x̂                       (per channel: batch_norm_backward_sums)
//   gx = γ·invStd·(gy − gβ/M − x̂·gγ/M)            with batch statistics (training), else gx = γ·invStd·gy
//                                                  (per element: batch_norm_backward_data)
// Each product and quotient is rounded to float in the composed default's order, and the sums accumulate in acc_t,
// as reduce.cl's do, so the two paths differ only in the order of the double additions. Memory-bound: x and gy are
// read twice, gx written once (the composed default moves about ten such tensors through temporaries).

/**
 * One work-group of SUM_GROUP work-items per channel (global (SUM_GROUP·C), local (SUM_GROUP)): each work-item sums
 * gy and gy·x̂ over every SUM_GROUP-th of the channel's M values, then a tree in local memory adds the partial sums.
 * sums[ch] = Σ gy and sums[C + ch] = Σ gy·x̂ (read by batch_norm_backward_data); the same values go to g_beta and
 * g_gamma when their flags are set (else those arguments are placeholders, never touched).
 */
__kernel void batch_norm_backward_sums(__global const float* x, __global const float* gy, __global const float* mean,
                                       __global const float* inv_std, __global float* sums, __global float* g_gamma,
                                       int write_gamma, __global float* g_beta, int write_beta, int n, int c,
                                       long spatial) {
    int ch = get_group_id(0);
    int lid = get_local_id(0);
    __local acc_t partial[SUM_GROUP];
    float mu = mean[ch];
    float inv = inv_std[ch];
    acc_t sum_g = 0;
    acc_t sum_gx = 0;
    long count = (long)n * spatial;
    for (long j = lid; j < count; j += SUM_GROUP) { // j = b·S + s
        long b = j / spatial;
        long index = (b * c + ch) * spatial + (j - b * spatial);
        float g = gy[index];
        float xhat = (x[index] - mu) * inv;
        sum_g += g;
        sum_gx += g * xhat;
    }
    float total_g = (float)work_group_sum(partial, sum_g);
    float total_gx = (float)work_group_sum(partial, sum_gx);
    if (lid == 0) {
        sums[ch] = total_g;
        sums[c + ch] = total_gx;
        if (write_beta) g_beta[ch] = total_g;
        if (write_gamma) g_gamma[ch] = total_gx;
    }
}

/** One work-item per element of gx; sums as written by batch_norm_backward_sums (unread without batch statistics). */
__kernel void batch_norm_backward_data(__global const float* x, __global const float* gy, __global const float* mean,
                                       __global const float* inv_std, __global const float* gamma,
                                       __global const float* sums, int batch_statistics, __global float* gx, int c,
                                       long spatial, long n) {
    long i = get_global_id(0);
    if (i >= n) return;
    int ch = (int)((i / spatial) % c);
    float k = gamma[ch] * inv_std[ch];
    if (!batch_statistics) {
        gx[i] = gy[i] * k;
        return;
    }
    float count = (float)(n / c);
    float mean_g = sums[ch] / count;
    float mean_gx = sums[c + ch] / count;
    float xhat = (x[i] - mean[ch]) * inv_std[ch];
    float centred = gy[i] - mean_g;
    gx[i] = (centred - xhat * mean_gx) * k;
}
