// Layout: axis permutation and box copies (slicing, cropping, padding, concatenation, splitting).
//
// Algorithm: one thread per output element in a grid-stride loop; the element's source (and, for a box,
// destination) offset comes from its index through a stride table (Shape / Walk2 in common.cuh) whose
// axes the Java side has already merged wherever they are contiguous in both tensors. Pure data movement:
// the limit is DRAM bytes/s. Writes are coalesced; a box copy also reads coalesced rows, and a permute
// that keeps the innermost axis in place does too. A permute that moves the innermost axis (a transpose)
// reads with a stride and leans on the caches; a tiled transpose through shared memory would make those
// reads coalesced as well and is the next step if permutes ever show up in a profile.
#include "common.cuh"

/** y[i] = x[offset_of(source, i)]: source.size is y's shape, source.stride x's strides permuted to y's axes. */
KERNEL void permute(Shape source, const float* __restrict__ x, float* __restrict__ y, long long n) {
    GRID_STRIDE_LOOP(i, n) y[i] = x[offset_of(source, i)];
}

/**
 * dst[dst_base + d] = src[src_base + s] (or += with accumulate) for every position of the box: box.size
 * is the region, box.stride0 / stride1 the source's / destination's strides, the bases the offsets of the
 * two start corners. Distinct positions land on distinct destination elements, so accumulating needs no
 * atomics.
 */
KERNEL void copy_region(Walk2 box, const float* __restrict__ src, long long src_base, float* __restrict__ dst,
                        long long dst_base, long long n, int accumulate) {
    GRID_STRIDE_LOOP(i, n) {
        long long s, d;
        offsets_of(box, i, s, d);
        float v = src[src_base + s];
        dst[dst_base + d] = accumulate ? dst[dst_base + d] + v : v;
    }
}
