// Backend.conv2d (forward, with the bias and an activation applied as y is written): implicit GEMM.
//
// Per image b and group g (the third global dimension, b·groups + g) the convolution is the product
//   Y_g (C_out/groups × H_out·W_out) = W_g (C_out/groups × K) · X_g (K × H_out·W_out),   K = C_in/groups · kH · kW,
// where X_g is the im2col matrix of the image: X_g(p, q) = x[b, g·C_in/groups + ci, oh·sH − pH + kh·dH,
// ow·sW − pW + kw·dW] for p = (ci, kh, kw), q = (oh, ow), 0 outside the image. It is the tiled GEMM of gemm.cl, except
// that the B tile is gathered from x on the fly instead of from a materialised im2col buffer: no temporary of
// K × H_out·W_out floats, one launch instead of one strided copy per kernel tap, a GEMM and a permute. The weight
// (C_out, C_in/groups, kH, kW) is already W_g row-major. This file is built after elementwise.cl (unary_value).
#ifndef TILE
#define TILE 16
#endif

__kernel void conv2d_forward(__global const float* x, __global const float* w, __global const float* bias, int has_bias,
                             __global float* y, int c_in, int h, int wd, int c_out, int kh, int kw, int sh, int sw,
                             int ph, int pw, int dh, int dw, int groups, int h_out, int w_out, int epilogue,
                             float epilogue_p1) {
    int col = get_global_id(0);   // q = oh·W_out + ow
    int row = get_global_id(1);   // the output channel within the group
    int z = get_global_id(2);     // b·groups + g
    int lc = get_local_id(0);
    int lr = get_local_id(1);
    int b = z / groups;
    int g = z % groups;
    int m = c_out / groups;
    int cin_g = c_in / groups;
    int taps = kh * kw;
    int k = cin_g * taps;
    int n = h_out * w_out;
    __local float as[TILE][TILE];
    __local float bs[TILE][TILE + 1];
    __global const float* wg = w + (long)g * m * k;
    __global const float* xb = x + ((long)b * c_in + (long)g * cin_g) * h * wd;
    int oh = col / w_out;
    int ow = col % w_out;
    float acc = 0.f;
    for (int t = 0; t < k; t += TILE) {
        int ap = t + lc;
        as[lr][lc] = row < m && ap < k ? wg[(long)row * k + ap] : 0.f;
        int bp = t + lr;
        float v = 0.f;
        if (bp < k && col < n) {
            int ci = bp / taps;
            int r = bp - ci * taps;
            int ky = r / kw;
            int kx = r - ky * kw;
            int iy = oh * sh - ph + ky * dh;
            int ix = ow * sw - pw + kx * dw;
            if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                v = xb[((long)ci * h + iy) * wd + ix];
            }
        }
        bs[lr][lc] = v;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int p = 0; p < TILE; p++) {
            acc += as[lr][p] * bs[p][lc];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (row < m && col < n) {
        int co = g * m + row;
        float v = has_bias ? acc + bias[co] : acc;
        if (epilogue >= 0) {
            v = unary_value(epilogue, v, epilogue_p1, 0.f);
        }
        y[((long)b * c_out + co) * n + col] = v;
    }
}
