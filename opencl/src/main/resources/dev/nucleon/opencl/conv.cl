// The convolution kernels: the forward pass (with the bias and an activation applied as y is written) and both
// backward passes, each an implicit GEMM: the blocked GEMM of gemm.cl (a work-group computes a BLOCK_M×BLOCK_N block
// of the product, each work-item WPT_M×WPT_N outputs, accumulate_block), except that the slices of the operand that
// im2col would materialise are gathered from the tensors as they are loaded into local memory: no temporary of
// K × H_out·W_out floats, one launch instead of one strided copy per kernel tap, a GEMM and a permute.
// This file is built after elementwise.cl (unary_value) and gemm.cl (TILE, WPT_M, WPT_N, BLOCK_M, BLOCK_N,
// zero_block, accumulate_block), twice: program "conv" with WPT_M = 4 (64-row blocks for products with many rows:
// channels), and "conv_narrow" with WPT_M = 1 (16-row blocks: U-Net's 8- and 16-channel layers would leave most
// of a 64-row block idle); ConvOps picks one per launch.
//
// Each kernel's loop body has the same shape: WPT_M loads of A and WPT_N of B per work-item (a BLOCK_M×TILE slice of
// A into as[p][r], a TILE×BLOCK_N slice of B into bs[p][q], zero outside the matrices), a barrier, TILE rank-1
// updates, a barrier. Work-item (lr, lc) owns the outputs at rows row0 + lr + i·TILE and columns col0 + lc + j·TILE.

// Backend.conv2d, forward. Per image b and group g (the third global dimension, b·groups + g) the convolution is
//   Y_g (C_out/groups × H_out·W_out) = W_g (C_out/groups × K) · X_g (K × H_out·W_out),   K = C_in/groups · kH · kW,
// where X_g is the im2col matrix of the image: X_g(p, q) = x[b, g·C_in/groups + ci, oh·sH − pH + kh·dH,
// ow·sW − pW + kw·dW] for p = (ci, kh, kw), q = (oh, ow), 0 outside the image. The weight (C_out, C_in/groups, kH, kW)
// is already W_g row-major.
__kernel void conv2d_forward(__global const float* x, __global const float* w, __global const float* bias, int has_bias,
                             __global float* y, int c_in, int h, int wd, int c_out, int kh, int kw, int sh, int sw,
                             int ph, int pw, int dh, int dw, int groups, int h_out, int w_out, int epilogue,
                             float epilogue_p1) {
    int lc = get_local_id(0);
    int lr = get_local_id(1);
    int col0 = get_group_id(0) * BLOCK_N;   // first q (= oh·W_out + ow) of the block
    int row0 = get_group_id(1) * BLOCK_M;   // first output channel (within the group) of the block
    int z = get_global_id(2);             // b·groups + g
    int b = z / groups;
    int g = z % groups;
    int m = c_out / groups;
    int cin_g = c_in / groups;
    int taps = kh * kw;
    int k = cin_g * taps;
    int n = h_out * w_out;
    __local float as[TILE][BLOCK_M];
    __local float bs[TILE][BLOCK_N];
    __global const float* wg = w + (long)g * m * k;
    __global const float* xb = x + ((long)b * c_in + (long)g * cin_g) * h * wd;
    float acc[WPT_M][WPT_N];
    zero_block(acc);
    int id = lr * TILE + lc;
    for (int t = 0; t < k; t += TILE) {
        for (int e = 0; e < WPT_M; e++) {
            int l = e * TILE * TILE + id;
            int r = l / TILE, p = l % TILE;       // A(row0 + r, t + p) = W_g
            int row = row0 + r, ap = t + p;
            as[p][r] = row < m && ap < k ? wg[(long)row * k + ap] : 0.f;
        }
        for (int e = 0; e < WPT_N; e++) {
            int l = e * TILE * TILE + id;
            int q = l % BLOCK_N, p2 = l / BLOCK_N;    // B(t + p2, col0 + q) = X_g, gathered from x
            int col = col0 + q, bp = t + p2;
            float v = 0.f;
            if (bp < k && col < n) {
                int ci = bp / taps;
                int tap = bp - ci * taps;
                int ky = tap / kw;
                int kx = tap - ky * kw;
                int oh = col / w_out;
                int iy = oh * sh - ph + ky * dh;
                int ix = (col - oh * w_out) * sw - pw + kx * dw;
                if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                    v = xb[((long)ci * h + iy) * wd + ix];
                }
            }
            bs[p2][q] = v;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        accumulate_block(as, bs, acc, lr, lc);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; i < WPT_M; i++) {
        int row = row0 + lr + i * TILE;
        for (int j = 0; j < WPT_N; j++) {
            int col = col0 + lc + j * TILE;
            if (row < m && col < n) {
                int co = g * m + row;
                float v = has_bias ? acc[i][j] + bias[co] : acc[i][j];
                if (epilogue >= 0) {
                    v = unary_value(epilogue, v, epilogue_p1, 0.f);
                }
                y[((long)b * c_out + co) * n + col] = v;
            }
        }
    }
}

// Backend.conv2dBackwardData: gx = ∂(conv2d)/∂x applied to gy (also the forward pass of a transposed convolution).
// Per image b and group g (third global dimension, b·groups + g), with Cg = C_in/groups input and Og = C_out/groups
// output channels per group and R = Og·kH·kW:
//   GX_g (Cg × H·W) = A (Cg × R) · B (R × H·W),
//   A(ci, r) = w[g·Og + co, ci, ky, kx]                              for r = (co, ky, kx)   (Wᵀ of the group)
//   B(r, q)  = gy[b, g·Og + co, oy, ox]   for q = (iy, ix), where   iy + pH − ky·dH = oy·sH,  ix + pW − kx·dW = ox·sW,
//              0 ≤ oy < H_out and 0 ≤ ox < W_out; else 0 (input pixel q lies under tap (ky, kx) of no window).
// Each input pixel gathers the output gradients of the windows that read it, so every gx element is written once
// (no atomics, no zero fill, no col2im scatter of a K × H_out·W_out temporary as in the composed default). With a
// stride above 1 most of B is zeros (the taps that miss the stride grid); they cost loads, not correctness.
__kernel void conv2d_backward_data(__global const float* gy, __global const float* w, __global float* gx,
                                   int c_in, int h, int wd, int c_out, int kh, int kw, int sh, int sw, int ph, int pw,
                                   int dh, int dw, int groups, int h_out, int w_out) {
    int lc = get_local_id(0);
    int lr = get_local_id(1);
    int col0 = get_group_id(0) * BLOCK_N;   // first q (= iy·W + ix) of the block
    int row0 = get_group_id(1) * BLOCK_M;   // first input channel (within the group) of the block
    int z = get_global_id(2);             // b·groups + g
    int b = z / groups;
    int g = z % groups;
    int m = c_in / groups;        // Cg: rows of GX_g
    int og = c_out / groups;
    int taps = kh * kw;
    int k = og * taps;            // R
    int n = h * wd;
    __local float as[TILE][BLOCK_M];
    __local float bs[TILE][BLOCK_N];
    __global const float* wg = w + (long)g * og * m * taps;                          // w[g·Og, 0, 0, 0]
    __global const float* gyb = gy + ((long)b * c_out + (long)g * og) * h_out * w_out; // gy[b, g·Og, 0, 0]
    float acc[WPT_M][WPT_N];
    zero_block(acc);
    int id = lr * TILE + lc;
    for (int t = 0; t < k; t += TILE) {
        for (int e = 0; e < WPT_M; e++) {
            int l = e * TILE * TILE + id;
            int r = l / TILE, p = l % TILE;       // A(row0 + r, t + p): w[g·Og + co, ci, ky, kx] = wg[(co·Cg + ci)·taps + tap]
            int row = row0 + r, ap = t + p;
            float a = 0.f;
            if (row < m && ap < k) {
                int co = ap / taps;
                a = wg[((long)co * m + row) * taps + (ap - co * taps)];
            }
            as[p][r] = a;
        }
        for (int e = 0; e < WPT_N; e++) {
            int l = e * TILE * TILE + id;
            int q = l % BLOCK_N, p2 = l / BLOCK_N;    // B(t + p2, col0 + q), gathered from gy
            int col = col0 + q, bp = t + p2;
            float v = 0.f;
            if (bp < k && col < n) {
                int co = bp / taps;
                int tap = bp - co * taps;
                int ky = tap / kw;
                int kx = tap - ky * kw;
                int iy = col / wd;
                int ty = iy + ph - ky * dh;  // oy·sH when pixel (iy, ix) is tap (ky, kx) of window (oy, ox)
                int tx = (col - iy * wd) + pw - kx * dw;
                if (ty >= 0 && tx >= 0 && ty % sh == 0 && tx % sw == 0) {
                    int oy = ty / sh;
                    int ox = tx / sw;
                    if (oy < h_out && ox < w_out) {
                        v = gyb[((long)co * h_out + oy) * w_out + ox];
                    }
                }
            }
            bs[p2][q] = v;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        accumulate_block(as, bs, acc, lr, lc);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; i < WPT_M; i++) {
        int row = row0 + lr + i * TILE;
        for (int j = 0; j < WPT_N; j++) {
            int col = col0 + lc + j * TILE;
            if (row < m && col < n) {
                gx[((long)b * c_in + (long)g * m + row) * n + col] = acc[i][j];
            }
        }
    }
}

// Backend.conv2dBackwardWeight: gw = ∂(conv2d)/∂w applied to gy. Per group g, with K = Cg·kH·kW and
// P = N·H_out·W_out (the reduction runs over the whole batch):
//   GW_g (Og × K) = A (Og × P) · B (P × K),
//   A(co, p) = gy[b, g·Og + co, oy, ox]                                   for p = (b, oy, ox)
//   B(p, kk) = x[b, g·Cg + ci, oy·sH − pH + ky·dH, ox·sW − pW + kx·dW]    for kk = (ci, ky, kx), 0 outside the image
// (B is the transposed im2col matrix, gathered on the fly). The output is small (C_out·K floats) and P large, so the
// reduction is split: the third global dimension is s·groups + g, split s covering p ∈ [s·chunk, (s+1)·chunk) and
// writing its partial product to out + s·split_stride (the Java side then sums the splits with reduce.cl, in
// double where the device has it; with one split, out is gw itself). chunk is a multiple of TILE.
__kernel void conv2d_backward_weight(__global const float* x, __global const float* gy, __global float* out,
                                     long split_stride, int chunk, int n_batch, int c_in, int h, int wd, int c_out,
                                     int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups,
                                     int h_out, int w_out) {
    int lc = get_local_id(0);
    int lr = get_local_id(1);
    int col0 = get_group_id(0) * BLOCK_N;   // first kk (= (ci·kH + ky)·kW + kx) of the block
    int row0 = get_group_id(1) * BLOCK_M;   // first output channel (within the group) of the block
    int z = get_global_id(2);             // s·groups + g
    int s = z / groups;
    int g = z % groups;
    int m = c_out / groups;       // Og: rows of GW_g
    int cin_g = c_in / groups;
    int taps = kh * kw;
    int k = cin_g * taps;         // K: columns of GW_g
    int plane = h_out * w_out;
    long p_total = (long)n_batch * plane;
    long p_begin = (long)s * chunk;
    long p_end = min(p_begin + chunk, p_total);
    __local float as[TILE][BLOCK_M];
    __local float bs[TILE][BLOCK_N];
    float acc[WPT_M][WPT_N];
    zero_block(acc);
    int id = lr * TILE + lc;
    for (long t = p_begin; t < p_end; t += TILE) {
        for (int e = 0; e < WPT_M; e++) {
            int l = e * TILE * TILE + id;
            int r = l / TILE, p = l % TILE;       // A(row0 + r, t + p) = gy
            int row = row0 + r;
            long ap = t + p;
            float a = 0.f;
            if (row < m && ap < p_end) {
                int b = (int)(ap / plane);
                int pix = (int)(ap - (long)b * plane);
                a = gy[((long)b * c_out + (long)g * m + row) * plane + pix];
            }
            as[p][r] = a;
        }
        for (int e = 0; e < WPT_N; e++) {
            int l = e * TILE * TILE + id;
            int q = l % BLOCK_N, p2 = l / BLOCK_N;    // B(t + p2, col0 + q), gathered from x
            int col = col0 + q;
            long bp = t + p2;
            float v = 0.f;
            if (bp < p_end && col < k) {
                int ci = col / taps;
                int tap = col - ci * taps;
                int ky = tap / kw;
                int kx = tap - ky * kw;
                int b = (int)(bp / plane);
                int pix = (int)(bp - (long)b * plane);
                int oy = pix / w_out;
                int ox = pix - oy * w_out;
                int iy = oy * sh - ph + ky * dh;
                int ix = ox * sw - pw + kx * dw;
                if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                    v = x[(((long)b * c_in + (long)g * cin_g + ci) * h + iy) * wd + ix];
                }
            }
            bs[p2][q] = v;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        accumulate_block(as, bs, acc, lr, lc);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; i < WPT_M; i++) {
        int row = row0 + lr + i * TILE;
        for (int j = 0; j < WPT_N; j++) {
            int col = col0 + lc + j * TILE;
            if (row < m && col < k) {
                out[(long)s * split_stride + ((long)g * m + row) * k + col] = acc[i][j];
            }
        }
    }
}
