// Runs kernel sources on the host for desk-checking index arithmetic without a GPU (see emulate.sh):
// a block is blockDim.x std::threads, __syncthreads a std::barrier, __shared__ variables statics (one
// block runs at a time), warp shuffles go through a block-wide buffer (valid for block-uniform calls,
// as in block_sum). Slow, and blind to races the barrier model hides; for correctness of indices only.
#pragma once
#include <algorithm>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
#define __launch_bounds__(...)

struct uint3_ { unsigned x = 0, y = 0, z = 0; };
struct dim3 { unsigned x = 1, y = 1, z = 1; };
inline uint3_ blockIdx;
inline dim3 blockDim, gridDim;
inline thread_local uint3_ threadIdx;

struct alignas(16) float4 { float x, y, z, w; };
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
template <class T> inline T __ldg(const T* p) { return *p; }
using std::min;
using std::max;

inline std::barrier<>* block_barrier;
inline void __syncthreads() { block_barrier->arrive_and_wait(); }
template <class T> inline T shuffle_buffer[1024];
template <class T> inline T __shfl_xor_sync(unsigned, T v, int offset) {
    unsigned t = threadIdx.x;
    shuffle_buffer<T>[t] = v;
    __syncthreads();
    T r = shuffle_buffer<T>[t ^ offset];
    __syncthreads();
    return r;
}
inline double __longlong_as_double(long long i) {
    double d;
    std::memcpy(&d, &i, sizeof d);
    return d;
}
// round-to-nearest arithmetic that nvcc may not fuse: plain float operations on the host (g++ -O1 does not contract)
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __int_as_float(int i) {
    float f;
    std::memcpy(&f, &i, sizeof f);
    return f;
}

/** Runs kernel() for every thread of every block of the grid, one block at a time. */
inline void launch(dim3 grid, dim3 block, const std::function<void()>& kernel) {
    gridDim = grid;
    blockDim = block;
    for (unsigned z = 0; z < grid.z; ++z)
        for (unsigned y = 0; y < grid.y; ++y)
            for (unsigned x = 0; x < grid.x; ++x) {
                blockIdx = {x, y, z};
                std::barrier<> bar(block.x);
                block_barrier = &bar;
                std::vector<std::thread> threads;
                for (unsigned t = 0; t < block.x; ++t)
                    threads.emplace_back([t, &kernel] { threadIdx = {t, 0, 0}; kernel(); });
                for (auto& th : threads) th.join();
            }
}
