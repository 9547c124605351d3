// Backend.matmul: batched c[i] = op(a[i]) · op(b[i]), c[i] m×n, op(a[i]) m×k, op(b[i]) k×n, row-major.
//
// Algorithm: the classic tiled GEMM. A work-group computes a TILE×TILE block of c; each step loads a TILE×TILE
// tile of op(a) and of op(b) into local memory (each work-item one element of each, zero outside the matrices),
// synchronises, and accumulates TILE products from local memory. Global reads drop by a factor TILE against the
// naive kernel; the limit it chases is the device's FLOP rate once the tiles stay in cache. Batch is the third
// global dimension, so no grid limit applies to m, n or the batch. A batch stride of 0 shares one matrix.
// TILE comes from the build options (KernelLibrary: 16, or 8 on devices with work-groups below 256).
#ifndef TILE
#define TILE 16
#endif

__kernel void gemm(__global const float* a, long a_batch_stride, int trans_a, __global const float* b,
                   long b_batch_stride, int trans_b, __global float* c, int m, int n, int k) {
    int col = get_global_id(0);
    int row = get_global_id(1);
    long batch = get_global_id(2);
    int lc = get_local_id(0);
    int lr = get_local_id(1);
    __local float as[TILE][TILE];
    __local float bs[TILE][TILE + 1];
    __global const float* ab = a + batch * a_batch_stride;
    __global const float* bb = b + batch * b_batch_stride;
    float acc = 0.f;
    for (int t = 0; t < k; t += TILE) {
        int ap = t + lc; // op(a)(row, ap)
        as[lr][lc] = row < m && ap < k ? (trans_a ? ab[(long)ap * m + row] : ab[(long)row * k + ap]) : 0.f;
        int bp = t + lr; // op(b)(bp, col)
        bs[lr][lc] = bp < k && col < n ? (trans_b ? bb[(long)col * k + bp] : bb[(long)bp * n + col]) : 0.f;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int p = 0; p < TILE; p++) {
            acc += as[lr][p] * bs[p][lc];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (row < m && col < n) {
        c[batch * m * n + (long)row * n + col] = acc;
    }
}
