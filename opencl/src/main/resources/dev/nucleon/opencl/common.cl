// Prepended to every program of this backend (KernelLibrary builds "common.cl + <family>.cl"). Conventions the
// Java side (dev.nucleon.opencl) relies on:
//  - tensors are contiguous row-major float32 (NCHW) __global buffers; element counts and offsets are 64-bit (long);
//  - small shape/stride tables travel by value as a Walk (Java: Walk.table(), 1 + 3·MAX_RANK longs);
//  - one work-item per output element, the global size rounded up to a multiple of 64: every kernel checks its
//    index against n;
//  - no contraction of a·b + c into an FMA, so products and sums round as the CPU backend's do;
//  - accumulators are double where the device has cl_khr_fp64 (acc_t), else float.
#pragma OPENCL FP_CONTRACT OFF
#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double acc_t;
#else
typedef float acc_t;
#endif

/** Up to this many axes in a Walk, after the Java side merged contiguous ones. */
#define MAX_RANK 8

/**
 * An index space of `rank` axes (row-major, last axis fastest) and the element strides two tensors walk it with
 * (0 along an axis a tensor broadcasts). Java: dev.nucleon.opencl.Walk.
 */
typedef struct {
    long rank;
    long size[MAX_RANK];
    long stride0[MAX_RANK];
    long stride1[MAX_RANK];
} Walk;

/** Both tensors' offsets of row-major position `index` of w's index space. */
inline void offsets_of(const Walk* w, long index, long* offset0, long* offset1) {
    long o0 = 0, o1 = 0;
    for (int d = (int)w->rank - 1; d > 0; d--) {
        long i = index % w->size[d];
        index /= w->size[d];
        o0 += i * w->stride0[d];
        o1 += i * w->stride1[d];
    }
    if (w->rank > 0) {
        o0 += index * w->stride0[0];
        o1 += index * w->stride1[0];
    }
    *offset0 = o0;
    *offset1 = o1;
}

/** Java's Math.max/Math.min on floats: NaN if either is NaN (fmax/fmin would return the other one). */
inline float java_max(float a, float b) {
    return isnan(a) || isnan(b) ? NAN : fmax(a, b);
}

inline float java_min(float a, float b) {
    return isnan(a) || isnan(b) ? NAN : fmin(a, b);
}

/** The same two-branch form as the CPU backend: never exp of a large positive number. */
inline float sigmoid_of(float v) {
    return v >= 0.f ? 1.f / (1.f + exp(-v)) : exp(v) / (1.f + exp(v));
}
