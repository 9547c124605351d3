// Backend.matmul: batched c[i] = op(a[i]) · op(b[i]), c[i] m×n, op(a[i]) m×k, op(b[i]) k×n, row-major.
//
// Algorithm: a tiled GEMM with register blocking. A work-group of TILE×TILE work-items computes a BLOCK_M×BLOCK_N
// block of c (BLOCK_M = TILE·WPT_M, BLOCK_N = TILE·WPT_N): each work-item owns WPT_M×WPT_N outputs, rows
// lr + i·TILE and columns lc + j·TILE of the block (i < WPT_M, j < WPT_N; strided so that neighbouring work-items
// read neighbouring local-memory words). Each step loads a BLOCK_M×TILE slice of op(a) and a TILE×BLOCK_N slice of
// op(b) into local memory (WPT_M and WPT_N elements per work-item, zero outside the matrices), synchronises, and
// accumulates TILE rank-1 updates from registers: WPT_M + WPT_N local reads feed WPT_M·WPT_N multiply-adds (4 + 4
// for 16; a 1×1 kernel needs 2 per multiply-add), and the work-group meets at a barrier WPT_M·WPT_N times less often
// per flop. On PoCL (CPU) 4×4 made SGEMM 1024³ about 3× faster than 1×1. WPT_M is 4 unless the build options say
// otherwise (conv.cl is also built with WPT_M = 1 for products with few rows, see ConvOps). The limit it chases is the device's FLOP rate. Every output
// sums its k products in ascending order, one float accumulator, as the 1×1 kernel did. Batch is the third global
// dimension, so no grid limit applies to m, n or the batch. A batch stride of 0 shares one matrix.
// TILE comes from the build options (KernelLibrary: 16, or 8 on devices with work-groups below 256).
#ifndef TILE
#define TILE 16
#endif
#ifndef WPT_M
#define WPT_M 4
#endif
#define WPT_N 4
#define BLOCK_M (TILE * WPT_M)
#define BLOCK_N (TILE * WPT_N)

/** Sets the WPT_M×WPT_N accumulators to zero. */
inline void zero_block(float (*acc)[WPT_N]) {
    for (int i = 0; i < WPT_M; i++) {
        for (int j = 0; j < WPT_N; j++) {
            acc[i][j] = 0.f;
        }
    }
}

/**
 * One step of the blocked product (also used by conv.cl, built after this file): the TILE rank-1 updates
 * acc[i][j] += as[p][lr + i·TILE] · bs[p][lc + j·TILE] for p = 0 … TILE − 1, in ascending p.
 */
inline void accumulate_block(__local const float (*as)[BLOCK_M], __local const float (*bs)[BLOCK_N],
                             float (*acc)[WPT_N], int lr, int lc) {
    for (int p = 0; p < TILE; p++) {
        float av[WPT_M], bv[WPT_N];
        for (int i = 0; i < WPT_M; i++) {
            av[i] = as[p][lr + i * TILE];
        }
        for (int j = 0; j < WPT_N; j++) {
            bv[j] = bs[p][lc + j * TILE];
        }
        for (int i = 0; i < WPT_M; i++) {
            for (int j = 0; j < WPT_N; j++) {
                acc[i][j] += av[i] * bv[j];
            }
        }
    }
}

__kernel void gemm(__global const float* a, long a_batch_stride, int trans_a, __global const float* b,
                   long b_batch_stride, int trans_b, __global float* c, int m, int n, int k) {
    int lc = get_local_id(0);
    int lr = get_local_id(1);
    int col0 = get_group_id(0) * BLOCK_N; // the block's first column of c
    int row0 = get_group_id(1) * BLOCK_M; // the block's first row of c
    long batch = get_global_id(2);
    __local float as[TILE][BLOCK_M];      // as[p][r] = op(a)(row0 + r, t + p)
    __local float bs[TILE][BLOCK_N];      // bs[p][q] = op(b)(t + p, col0 + q)
    __global const float* ab = a + batch * a_batch_stride;
    __global const float* bb = b + batch * b_batch_stride;
    float acc[WPT_M][WPT_N];
    zero_block(acc);
    int id = lr * TILE + lc;
    for (int t = 0; t < k; t += TILE) {
        for (int e = 0; e < WPT_M; e++) {
            int l = e * TILE * TILE + id;   // 0 … BLOCK_M·TILE − 1
            int r = l / TILE, p = l % TILE; // p fastest: reads along a row of a
            int row = row0 + r, ap = t + p;
            as[p][r] = row < m && ap < k ? (trans_a ? ab[(long)ap * m + row] : ab[(long)row * k + ap]) : 0.f;
        }
        for (int e = 0; e < WPT_N; e++) {
            int l = e * TILE * TILE + id;   // 0 … TILE·BLOCK_N − 1
            int q = l % BLOCK_N, p = l / BLOCK_N; // q fastest: reads along a row of b
            int col = col0 + q, bp = t + p;
            bs[p][q] = bp < k && col < n ? (trans_b ? bb[(long)col * k + bp] : bb[(long)bp * n + col]) : 0.f;
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
                c[batch * m * n + (long)row * n + col] = acc[i][j];
            }
        }
    }
}
