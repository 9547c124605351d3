// Backend.batchNormForward: y = x·scale[c] + shift[c] with scale = invStd·γ and shift = β − mean·scale, rounded in
// the composed default's order (so the two agree to the bit). One work-item per element, one launch, no
// temporaries (the composed default runs four broadcast binaries). Memory-bound: one read of x, one write of y.
// The statistics and the backward pass run the composed defaults (reductions and broadcast binaries).

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
