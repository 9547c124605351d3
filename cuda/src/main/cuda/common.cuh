// Shared by every kernel family. Conventions (the Java side, dev.nucleon.cuda, relies on them):
//  - every kernel is extern "C" (unmangled names, looked up by cuModuleGetFunction) and declared KERNEL;
//  - tensors are contiguous row-major float32 (NCHW), passed as device pointers;
//  - element counts and flat offsets are 64-bit (long long) so tensors above 2^31 elements work;
//  - small shape/stride tables travel by value as structs of ints (the Java side passes an int[] of the
//    same length), never through device memory;
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

/** Shape and element strides of up to MAX_RANK dimensions; unused trailing entries are ignored. */
struct Shape {
    int rank;
    int size[MAX_RANK];
    int stride[MAX_RANK];
};

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

__device__ __forceinline__ float warp_max(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
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
