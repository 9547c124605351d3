// Batched SGEMM: c[i] (m × n) = op(a[i]) · op(b[i]) for i < batch, op(X) = X or Xᵀ (Backend.matmul).
//
// Algorithm: the block-tiled main loop of gemm_tiles.cuh — shared-memory tiles of depth 8, register
// blocking, double-buffered global → register → shared staging, float4 global loads and stores where
// rows are 16-byte aligned, every edge guarded so any m, n, k ≥ 0 works (k = 0 writes zeros).
//   - sgemm_large_*: 128 × 128 tile, 8 × 8 outputs per thread, 256 threads.
//   - sgemm_small_*: 32 × 32 tile, 4 × 4 per thread, 64 threads; the Java side (GemmOps) picks it when
//     128-tiles would leave the GPU short of blocks (small or skinny matrices, small batches).
// Grid: x over column tiles of n, y over row tiles of m starting at row firstRow, z over the batch: matrix
// firstBatch + blockIdx.z. gridDim.y and gridDim.z are at most 65,535, so GemmOps launches tall products
// (more than 65,535 row tiles: m > 8.4 M rows with the large tile) in row slices (firstRow a multiple of the
// tile height) and batches beyond 65,535 in batch slices; a loop inside the kernel cost ~100 registers. A batch stride of 0 broadcasts one matrix to the whole batch; c is contiguous (stride m·n).
// The four transpose combinations are separate kernels (_nn, _nt, _tn, _tt: transA, transB), so each
// operand's load direction is known at compile time:
//   op(A) = A stored m × k: rows contiguous along k       → K_RUN loads, lda = k
//   op(A) = Aᵀ, stored k × m: contiguous along m          → float4 runs along m, lda = m
//   op(B) = B stored k × n: contiguous along n            → float4 runs along n, ldb = n
//   op(B) = Bᵀ, stored n × k: contiguous along k          → K_RUN loads, ldb = k
//
// The limit it chases: FP32 FMA throughput (H100 SXM ≈ 67 TFLOP/s without tensor cores). Per BK = 8
// step a large-tile block moves 2 · 128 · 8 floats (8 KiB) from global memory for 2 · 128 · 128 · 8 flops:
// 32 flops/byte from L2/DRAM, above H100's ≈ 20 flops/byte of DRAM balance, so big products are bound by
// the FMA pipes and shared-memory bandwidth (16 float4 shared loads per 64 FMAs per thread), not DRAM.
// Expected ≈ 60–75 % of FP32 peak for large square products; the small tile runs at a fraction of that
// (4 × 4 blocking: 16 FMAs per 2 float4 shared loads) but keeps all SMs busy.
// Occupancy (ptxas -v, sm_90, nvcc 13.0): large tile 128 registers (the __launch_bounds__ cap for two
// blocks = 16 warps per SM; _tn spills 44 bytes, the others none), 16,896 B shared memory per block;
// small tile 79–91 registers, 4,608 B, 64 threads: ~11 blocks (22 warps) per SM by registers.
#include "gemm_tiles.cuh"

template <class Cfg, bool TRANS_A, bool TRANS_B>
__device__ __forceinline__ void sgemm(int m, int n, int k, const float* a, long long aBatchStride,
                                      const float* b, long long bBatchStride, float* c, int firstBatch, int firstRow) {
    const int m0 = firstRow + blockIdx.y * Cfg::BM;
    const int n0 = blockIdx.x * Cfg::BN;
    const long long i = firstBatch + blockIdx.z;
    MatrixOperand<!TRANS_A> opA(a + i * aBatchStride, TRANS_A ? m : k, m);
    MatrixOperand<TRANS_B> opB(b + i * bBatchStride, TRANS_B ? k : n, n);
    MatrixStore out(c + i * m * n, n, m, n);
    gemm_tile<Cfg>(opA, opB, m0, n0, 0, k, out);
}

#define SGEMM_KERNEL(size, Cfg, suffix, transA, transB)                                                    \
    TILE_KERNEL(Cfg) sgemm_##size##_##suffix(                                  \
        int m, int n, int k, const float* __restrict__ a, long long aBatchStride,                        \
        const float* __restrict__ b, long long bBatchStride, float* __restrict__ c, int firstBatch,            \
        int firstRow) {                                                                                    \
        sgemm<Cfg, transA, transB>(m, n, k, a, aBatchStride, b, bBatchStride, c, firstBatch, firstRow);       \
    }

SGEMM_KERNEL(large, LargeTile, nn, false, false)
SGEMM_KERNEL(large, LargeTile, nt, false, true)
SGEMM_KERNEL(large, LargeTile, tn, true, false)
SGEMM_KERNEL(large, LargeTile, tt, true, true)
SGEMM_KERNEL(small, SmallTile, nn, false, false)
SGEMM_KERNEL(small, SmallTile, nt, false, true)
SGEMM_KERNEL(small, SmallTile, tn, true, false)
SGEMM_KERNEL(small, SmallTile, tt, true, true)
