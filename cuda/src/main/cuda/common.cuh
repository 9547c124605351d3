// Shared by every kernel family. Conventions (the Java side, dev.nucleon.cuda, relies on them):
//  - every kernel is extern "C" (unmangled names, looked up by cuModuleGetFunction) and declared KERNEL;
//  - tensors are contiguous row-major float32 (NCHW), passed as device pointers;
//  - element counts, flat offsets and the strides of the shape tables are 64-bit (long long), so the
//    grid-stride kernels (elementwise, broadcasts, reductions, permute, copy_region) index tensors above
//    2^31 elements; each axis of a table holds fewer than 2^31 (sizes are ints; ShapeTables merges axes
//    only below that). The Java side's ShapeTablesTest checks the packing and emulate_check.cpp the layout.
//    The per-image kernels index within a plane or image in ints: conv's launcher (ConvOps) refuses GEMM
//    dimensions above 2^31; pool and batch norm assume one plane (H·W) below 2^31 elements, unchecked;
//  - small shape/stride tables travel by value as structs (the Java side passes an int[] of the same
//    length, each 64-bit stride as two ints, low word first), never through device memory;
//  - the launch covers the work with grid-stride loops, so any grid size is correct and the Java side
//    picks one that fills the GPU (Grid.linear).
#pragma once

#define KERNEL extern "C" __global__

/** for (i = this thread's first index; i < n; i += total threads) — the grid-stride loop. */
#define GRID_STRIDE_LOOP(i, n)                                                          \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(n); \
         i += (long long)blockDim.x * gridDim.x)

/** Up to this many tensor dimensions in by-value shape tables (core's tensors stay well below it). */
#define MAX_RANK 8

/**
 * An index space of up to MAX_RANK dimensions and the element strides one tensor walks it with (0 along
 * an axis it broadcasts); unused trailing entries are ignored. The 64-bit strides come first, so the
 * struct has no hole; `unused` pads it to a multiple of 8 bytes explicitly (104 bytes). Java:
 * ShapeTables.shape (26 ints).
 */
struct Shape {
    long long stride[MAX_RANK];
    int size[MAX_RANK];
    int rank;
    int unused;
};

/** The same index space walked by two tensors at once (broadcast operands a and b; a box's source and
 *  destination); 168 bytes. Java: ShapeTables.walk2 (42 ints). */
struct Walk2 {
    long long stride0[MAX_RANK];
    long long stride1[MAX_RANK];
    int size[MAX_RANK];
    int rank;
    int unused;
};

/** Flat element offset of row-major position `index` of s's index space (last axis fastest). */
__device__ __forceinline__ long long offset_of(const Shape& s, long long index) {
    long long offset = 0;
    for (int d = s.rank - 1; d > 0; d--) {
        offset += (index % s.size[d]) * s.stride[d];
        index /= s.size[d];
    }
    return s.rank > 0 ? offset + index * s.stride[0] : 0; // the outermost axis needs no division
}

/** Both tensors' offsets of row-major position `index` of w's index space. */
__device__ __forceinline__ void offsets_of(const Walk2& w, long long index, long long& offset0, long long& offset1) {
    offset0 = 0;
    offset1 = 0;
    for (int d = w.rank - 1; d > 0; d--) {
        long long i = index % w.size[d];
        index /= w.size[d];
        offset0 += i * w.stride0[d];
        offset1 += i * w.stride1[d];
    }
    if (w.rank > 0) {
        offset0 += index * w.stride0[0];
        offset1 += index * w.stride1[0];
    }
}

/** Java's Math.max/Math.min on floats: NaN if either is NaN (fmaxf/fminf would return the other one). */
__device__ __forceinline__ float java_max(float a, float b) {
    return a != a || b != b ? __int_as_float(0x7fc00000) : fmaxf(a, b);
}

__device__ __forceinline__ float java_min(float a, float b) {
    return a != a || b != b ? __int_as_float(0x7fc00000) : fminf(a, b);
}

/** Keras's clamp for binary cross-entropy on probabilities (BinaryOp.BCE_EPSILON on the Java side). */
#define BCE_EPSILON 1e-7f

__device__ __forceinline__ float sigmoidf(float v) {
    // the same two-branch form as the CPU backend: never exp of a large positive number
    return v >= 0.f ? 1.f / (1.f + expf(-v)) : expf(v) / (1.f + expf(v));
}

/** Warp-level sum with shuffles; every lane gets the total. */
__device__ __forceinline__ float warp_sum(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

/** Warp-level sum in double (exact-order-independent to ~1e-16 relative); every lane gets the total. */
__device__ __forceinline__ double warp_sum(double v) {
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

/** Warp-level maximum; NaN wins, as with Java's Math.max. */
__device__ __forceinline__ float warp_max(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) v = java_max(v, __shfl_xor_sync(0xffffffffu, v, offset));
    return v;
}

/** Block-wide sum for blockDim.x a multiple of 32 (≤ 1024); every thread gets the total. Uses 32 floats of shared memory. */
__device__ __forceinline__ float block_sum(float v) {
    __shared__ float partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = warp_sum(v);
    __syncthreads();                       // partial[] may still be read by a previous call
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    int warps = blockDim.x >> 5;
    v = lane < warps ? partial[lane] : 0.f;
    return warp_sum(v);
}

/** block_sum in double. Uses 32 doubles of shared memory. */
__device__ __forceinline__ double block_sum(double v) {
    __shared__ double partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    int warps = blockDim.x >> 5;
    v = lane < warps ? partial[lane] : 0.0;
    return warp_sum(v);
}

/** Block-wide maximum (NaN wins); every thread gets it. */
__device__ __forceinline__ float block_max(float v) {
    __shared__ float partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    int warps = blockDim.x >> 5;
    v = lane < warps ? partial[lane] : -INFINITY;
    return warp_max(v);
}
