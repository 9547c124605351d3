// The block-tiled SGEMM main loop, shared by gemm.cu (plain matrices) and conv.cu (implicit-GEMM
// convolutions, whose operands are gathered from images on the fly).
//
// One thread block computes a BM × BN tile of C = op(A) · op(B) (op(A) M × K, op(B) K × N):
//
//   for k0 in [kBegin, kEnd) step BK:                       BK = 8
//     stage op(A)[m0.., k0..] → As (BK × BM), op(B)[k0.., n0..] → Bs (BK × BN)   in shared memory
//     every thread: acc (TM × TN, registers) += As[kk][its rows] ⊗ Bs[kk][its columns] for kk < BK
//
// Register blocking: a thread owns TM × TN outputs, so per kk it reads TM + TN floats from shared
// memory (as float4s) for TM·TN FMAs; 8 × 8 gives 64 FMAs per 16 loads. Its rows are TM/4 runs of 4
// consecutive rows, BM/(TM/4) apart (rows ty·4 + {0..3} and 64 + ty·4 + {0..3} for the 128 tile), so the
// float4 reads of a warp hit few distinct addresses and no bank twice; columns likewise with tx.
//
// Double buffering: two stages of As/Bs. While the block computes on one stage, each thread already has
// its share of the next tile in flight from global memory into registers; it writes them into the other
// stage after the FMAs, then one __syncthreads per BK step separates the writes from the next reads (the
// other stage was last read before the previous step's barrier).
//
// Operands. Each thread stages exactly one float4 of A and one of B per step (BM·BK = BN·BK = 4·threads).
// An operand type says in which direction its 4 values run, which is the direction its memory is
// contiguous in, so that a warp's loads coalesce:
//   K_RUN = true:  the 4 values are (mn, k..k+3), one row of a row-major M × K matrix. Slot: mn = t / 2,
//                  k = (t % 2)·4. Stored transposed into shared memory, 4 scalar stores; rows padded by
//                  GEMM_PAD floats make those stores bank-conflict free.
//   K_RUN = false: the 4 values are (mn..mn+3, k), part of a row of a K × N (or transposed M × K)
//                  matrix. Slot: k = t / (EXT/4), mn = (t % (EXT/4))·4. One float4 shared store.
// An operand provides
//   static constexpr bool K_RUN;
//   void start(int mn, int kEnd);  this thread's slot position (the first of its 4 along mn when !K_RUN),
//                                  once per tile: lets an operand precompute per-column addresses
//   float4 fetch(int k);           its 4 values at depth k (the first of 4 when K_RUN), 0 outside
//                                  the matrix (mn ≥ extent, k ≥ kEnd): tiles need not divide M, N, K
// and an epilogue provides
//   void store(int row, int col, float4 v);  C[row][col..col+3] = v, skipping what lies outside C.
// Every output the block owns is stored exactly once (overwritten, never accumulated).
#pragma once
#include "common.cuh"

/** Depth of one shared-memory stage. */
#define GEMM_BK 8
/** Floats of padding after each shared-memory row (keeps rows 16-byte aligned, K_RUN stores conflict-free). */
#define GEMM_PAD 4

/**
 * A tile shape: the block computes BM × BN outputs with (BM/TM)·(BN/TN) threads, each TM × TN.
 * MIN_BLOCKS goes to __launch_bounds__: the blocks per SM the register allocation must allow.
 */
template <int BM_, int BN_, int TM_, int TN_, int MIN_BLOCKS_>
struct TileConfig {
    static constexpr int BM = BM_, BN = BN_, TM = TM_, TN = TN_, BK = GEMM_BK, MIN_BLOCKS = MIN_BLOCKS_;
    static constexpr int THREADS = (BM / TM) * (BN / TN);
    static_assert(BM * BK == 4 * THREADS && BN * BK == 4 * THREADS,
                  "each thread stages exactly one float4 of A and one of B per step");
    static_assert(TM % 4 == 0 && TN % 4 == 0, "threads read their rows and columns as float4 runs");
};

/**
 * 128 × 128 outputs, 8 × 8 per thread, 256 threads: for products big enough to fill the GPU with such
 * tiles. Two blocks per SM (16 warps) caps registers at 128 per thread; left free, ptxas takes 128–255
 * (it hoists all eight kk steps' shared loads) and only one block fits.
 */
using LargeTile = TileConfig<128, 128, 8, 8, 2>;
/** 32 × 32 outputs, 4 × 4 per thread, 64 threads: 16× more blocks for small or skinny products. */
using SmallTile = TileConfig<32, 32, 4, 4, 1>;

__device__ __forceinline__ bool aligned16(const void* p) {
    return (reinterpret_cast<unsigned long long>(p) & 15) == 0;
}

__device__ __forceinline__ float4 float4_of(const float e[4]) {
    return make_float4(e[0], e[1], e[2], e[3]);
}

/** A thread's staging slot in a tile with EXT entries along mn: which 4 values it fetches and stores. */
template <bool K_RUN, int EXT>
struct Slot {
    int mn, k;
    __device__ __forceinline__ explicit Slot(int t)
        : mn(K_RUN ? t / (GEMM_BK / 4) : (t % (EXT / 4)) * 4),
          k(K_RUN ? (t % (GEMM_BK / 4)) * 4 : t / (EXT / 4)) {}

    /** Writes the fetched values into stage tile[k][mn] (BK × (EXT + pad)), transposing a K run. */
    __device__ __forceinline__ void store(float (*tile)[EXT + GEMM_PAD], float4 v) const {
        if (K_RUN) {
            tile[k][mn] = v.x;
            tile[k + 1][mn] = v.y;
            tile[k + 2][mn] = v.z;
            tile[k + 3][mn] = v.w;
        } else {
            *reinterpret_cast<float4*>(&tile[k][mn]) = v;
        }
    }
};

/** Declares a kernel launched with Cfg::THREADS threads per block. */
#define TILE_KERNEL(Cfg) KERNEL void __launch_bounds__(Cfg::THREADS, Cfg::MIN_BLOCKS)

/**
 * The tile of C at rows [m0, m0 + BM), columns [n0, n0 + BN), summed over k in [kBegin, kEnd) (kBegin a
 * multiple of 4). Called by all threads of a block (blockDim.x == Cfg::THREADS) with the same arguments.
 */
template <class Cfg, class OperandA, class OperandB, class Epilogue>
__device__ __forceinline__ void gemm_tile(OperandA a, OperandB b, int m0, int n0, int kBegin, int kEnd,
                                          const Epilogue& out) {
    constexpr int BM = Cfg::BM, BN = Cfg::BN, BK = Cfg::BK, TM = Cfg::TM, TN = Cfg::TN;
    constexpr int ROW_GAP = BM / (TM / 4);   // distance between a thread's runs of 4 rows
    constexpr int COL_GAP = BN / (TN / 4);
    __shared__ __align__(16) float As[2][BK][BM + GEMM_PAD];
    __shared__ __align__(16) float Bs[2][BK][BN + GEMM_PAD];

    const int t = threadIdx.x;
    const int tx = t % (BN / TN), ty = t / (BN / TN);
    const Slot<OperandA::K_RUN, BM> sa(t);
    const Slot<OperandB::K_RUN, BN> sb(t);
    a.start(m0 + sa.mn, kEnd);
    b.start(n0 + sb.mn, kEnd);

    float acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;

    // stage 0
    sa.store(As[0], a.fetch(kBegin + sa.k));
    sb.store(Bs[0], b.fetch(kBegin + sb.k));
    __syncthreads();

    int stage = 0;
    for (int k0 = kBegin; k0 < kEnd; k0 += BK) {
        const bool more = k0 + BK < kEnd;
        float4 nextA, nextB;
        if (more) { // issue the next tile's global loads now; they complete during the FMAs below
            nextA = a.fetch(k0 + BK + sa.k);
            nextB = b.fetch(k0 + BK + sb.k);
        }
#pragma unroll
        for (int kk = 0; kk < BK; ++kk) {
            float av[TM], bv[TN];
#pragma unroll
            for (int g = 0; g < TM / 4; ++g) {
                const float4 v = *reinterpret_cast<const float4*>(&As[stage][kk][g * ROW_GAP + ty * 4]);
                av[4 * g] = v.x; av[4 * g + 1] = v.y; av[4 * g + 2] = v.z; av[4 * g + 3] = v.w;
            }
#pragma unroll
            for (int g = 0; g < TN / 4; ++g) {
                const float4 v = *reinterpret_cast<const float4*>(&Bs[stage][kk][g * COL_GAP + tx * 4]);
                bv[4 * g] = v.x; bv[4 * g + 1] = v.y; bv[4 * g + 2] = v.z; bv[4 * g + 3] = v.w;
            }
#pragma unroll
            for (int i = 0; i < TM; ++i)
#pragma unroll
                for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
        }
        if (more) {
            sa.store(As[stage ^ 1], nextA);
            sb.store(Bs[stage ^ 1], nextB);
        }
        __syncthreads();
        stage ^= 1;
    }

#pragma unroll
    for (int i = 0; i < TM; ++i) {
        const int row = m0 + (i / 4) * ROW_GAP + ty * 4 + i % 4;
#pragma unroll
        for (int g = 0; g < TN / 4; ++g) {
            const int col = n0 + g * COL_GAP + tx * 4;
            out.store(row, col, make_float4(acc[i][4 * g], acc[i][4 * g + 1], acc[i][4 * g + 2], acc[i][4 * g + 3]));
        }
    }
}

/**
 * A matrix in global memory as a GEMM operand: element (mn, k) is p[mn·ld + k] when K_RUN (op(A) stored
 * M × K, or op(B) stored transposed N × K), else p[k·ld + mn] (op(B) stored K × N, or op(A) stored
 * transposed K × M). extent: the size along mn. Whole in-range runs load as one float4 when p is 16-byte
 * aligned and ld a multiple of 4 (run starts are multiples of 4, so every run is then aligned).
 */
template <bool K_RUN_>
struct MatrixOperand {
    static constexpr bool K_RUN = K_RUN_;
    const float* __restrict__ p;
    long long ld;
    int extent;
    bool vector;
    const float* slot = nullptr; // this thread's row (K_RUN) or column run (!K_RUN): element k at slot[k] or slot[k·ld]
    int mn = 0, kEnd = 0;

    __device__ MatrixOperand(const float* p, long long ld, int extent)
        : p(p), ld(ld), extent(extent), vector(aligned16(p) && ld % 4 == 0) {}

    __device__ __forceinline__ void start(int mn, int kEnd) {
        this->mn = mn;
        this->kEnd = kEnd;
        slot = K_RUN ? p + mn * ld : p + mn;
    }

    __device__ __forceinline__ float4 fetch(int k) const {
        float e[4] = {0.f, 0.f, 0.f, 0.f};
        if (K_RUN) {
            if (mn >= extent) return float4_of(e);
            const float* r = slot + k;
            if (vector && k + 3 < kEnd) return __ldg(reinterpret_cast<const float4*>(r));
#pragma unroll
            for (int i = 0; i < 4; ++i) if (k + i < kEnd) e[i] = __ldg(r + i);
        } else {
            if (k >= kEnd) return float4_of(e);
            const float* r = slot + k * ld;
            if (vector && mn + 3 < extent) return __ldg(reinterpret_cast<const float4*>(r));
#pragma unroll
            for (int i = 0; i < 4; ++i) if (mn + i < extent) e[i] = __ldg(r + i);
        }
        return float4_of(e);
    }
};

/** Epilogue into a row-major matrix: C[row][col] at p[row·ld + col], rows × cols; float4 stores where aligned. */
struct MatrixStore {
    float* __restrict__ p;
    long long ld;
    int rows, cols;
    bool vector;

    __device__ MatrixStore(float* p, long long ld, int rows, int cols)
        : p(p), ld(ld), rows(rows), cols(cols), vector(aligned16(p) && ld % 4 == 0) {}

    __device__ __forceinline__ void store(int row, int col, float4 v) const {
        if (row >= rows) return;
        float* r = p + row * ld + col;
        if (vector && col + 3 < cols) {
            *reinterpret_cast<float4*>(r) = v;
            return;
        }
        const float e[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
        for (int i = 0; i < 4; ++i) if (col + i < cols) r[i] = e[i];
    }
};
