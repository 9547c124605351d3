// Backend.matmul: batched c[i] = op(a[i]) · op(b[i]), c[i] m×n, op(a[i]) m×k, op(b[i]) k×n, row-major.
//
// Algorithm: a tiled GEMM with register blocking. A work-group of TILE×TILE work-items computes a BLOCK×BLOCK block
// of c (BLOCK = TILE·WPT): each work-item owns WPT×WPT outputs, rows lr + i·TILE and columns lc + j·TILE of the
// block (i, j < WPT; strided so that neighbouring work-items read neighbouring local-memory words). Each step loads
// a BLOCK×TILE slice of op(a) and a TILE×BLOCK slice of op(b) into local memory (WPT elements of each per
// work-item, zero outside the matrices), synchronises, and accumulates TILE rank-1 updates from registers:
// WPT + WPT local reads feed WPT² multiply-adds (the untiled 1×1 version needs 2 per multiply-add), and the work-group
// meets at a barrier WPT² times less often per flop. The limit it chases is the device's FLOP rate. Every output
// sums its k products in ascending order, one float accumulator, as the 1×1 kernel did. Batch is the third global
// dimension, so no grid limit applies to m, n or the batch. A batch stride of 0 shares one matrix.
// TILE comes from the build options (KernelLibrary: 16, or 8 on devices with work-groups below 256).
#ifndef TILE
#define TILE 16
#endif
#define WPT 4
#define BLOCK (TILE * WPT)

/**
 * One step of the blocked product (also used by conv.cl, built after this file): the TILE rank-1 updates
 * acc[i][j] += as[p][lr + i·TILE] · bs[p][lc + j·TILE] for p = 0 … TILE − 1, in ascending p.
 */
inline void accumulate_block(__local const float (*as)[BLOCK], __local const float (*bs)[BLOCK], float (*acc)[WPT],
                             int lr, int lc) {
    for (int p = 0; p < TILE; p++) {
        float av[WPT], bv[WPT];
        for (int i = 0; i < WPT; i++) {
            av[i] = as[p][lr + i * TILE];
            bv[i] = bs[p][lc + i * TILE];
        }
        for (int i = 0; i < WPT; i++) {
            for (int j = 0; j < WPT; j++) {
                acc[i][j] += av[i] * bv[j];
            }
        }
    }
}

__kernel void gemm(__global const float* a, long a_batch_stride, int trans_a, __global const float* b,
                   long b_batch_stride, int trans_b, __global float* c, int m, int n, int k) {
    int lc = get_local_id(0);
    int lr = get_local_id(1);
    int col0 = get_group_id(0) * BLOCK;   // the block's first column of c
    int row0 = get_group_id(1) * BLOCK;   // the block's first row of c
    long batch = get_global_id(2);
    __local float as[TILE][BLOCK];        // as[p][r] = op(a)(row0 + r, t + p)
    __local float bs[TILE][BLOCK];        // bs[p][q] = op(b)(t + p, col0 + q)
    __global const float* ab = a + batch * a_batch_stride;
    __global const float* bb = b + batch * b_batch_stride;
    float acc[WPT][WPT];
    for (int i = 0; i < WPT; i++) {
        for (int j = 0; j < WPT; j++) {
            acc[i][j] = 0.f;
        }
    }
    int id = lr * TILE + lc;
    for (int t = 0; t < k; t += TILE) {
        for (int e = 0; e < WPT; e++) {
            int l = e * TILE * TILE + id;   // 0 … BLOCK·TILE − 1
            int r = l / TILE;               // a's slice: row r, column p (p fastest: reads along a row of a)
            int p = l % TILE;
            int row = row0 + r, ap = t + p;
            as[p][r] = row < m && ap < k ? (trans_a ? ab[(long)ap * m + row] : ab[(long)row * k + ap]) : 0.f;
            int q = l % BLOCK;              // b's slice: row p2, column q (q fastest: reads along a row of b)
            int p2 = l / BLOCK;
            int col = col0 + q, bp = t + p2;
            bs[p2][q] = bp < k && col < n ? (trans_b ? bb[(long)col * k + bp] : bb[(long)bp * n + col]) : 0.f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        accumulate_block(as, bs, acc, lr, lc);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; i < WPT; i++) {
        int row = row0 + lr + i * TILE;
        for (int j = 0; j < WPT; j++) {
            int col = col0 + lc + j * TILE;
            if (row < m && col < n) {
                c[batch * m * n + (long)row * n + col] = acc[i][j];
            }
        }
    }
}
