// Data movement: Backend.copyStrided, the one primitive every copy, permute, slice, concat, im2col/col2im and
// nearest upsampling of the composed ops is built from.
//
// Algorithm: one work-item per element of the box; its source and destination offsets come from its index through
// the Walk (stride0: source, stride1: destination), whose axes the Java side merged wherever both tensors are
// contiguous. Pure data movement: the limit is memory bandwidth. The written positions are distinct (the
// primitive's contract), so accumulating needs no atomics.

/** dst[dst_base + d] (+)= src[src_base + s] for every position of the box. */
__kernel void copy_strided(const Walk box, __global const float* src, long src_base, __global float* dst,
                           long dst_base, long n, int accumulate) {
    long i = get_global_id(0);
    if (i >= n) return;
    long s, d;
    offsets_of(&box, i, &s, &d);
    float v = src[src_base + s];
    dst[dst_base + d] = accumulate ? dst[dst_base + d] + v : v;
}
