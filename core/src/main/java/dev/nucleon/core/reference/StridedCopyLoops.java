package dev.nucleon.core.reference;

/**
 * The movement primitive, {@code Backend.copyStrided}: walk every index of a box and copy one float.
 * <pre>
 *   for every (i₀, …, i_{r−1}) with 0 ≤ i_d &lt; extent[d]:
 *       dst[dstOffset + Σ i_d·dstStrides[d]]  (+)=  src[srcOffset + Σ i_d·srcStrides[d]]
 * </pre>
 * The index is an odometer: the last axis turns fastest, and when it wraps the next one advances.
 */
public final class StridedCopyLoops {

    private StridedCopyLoops() {
    }

    /**
     * Runs the loop above.
     *
     * @param src        the source array
     * @param srcOffset  the source element of index (0, …, 0)
     * @param srcStrides the source step per axis, in floats (0 broadcasts)
     * @param dst        the target array
     * @param dstOffset  the target element of index (0, …, 0)
     * @param dstStrides the target step per axis, in floats
     * @param extent     the box's size per axis
     * @param accumulate add into dst (true) or overwrite (false)
     */
    public static void copy(float[] src, long srcOffset, long[] srcStrides, float[] dst, long dstOffset,
                            long[] dstStrides, int[] extent, boolean accumulate) {
        int rank = extent.length;
        long count = 1;
        for (int e : extent) {
            count *= e;
        }
        int[] index = new int[rank]; // (i₀, …, i_{r−1}), starting at all zeros
        long s = srcOffset;          // src position of index
        long d = dstOffset;          // dst position of index
        for (long step = 0; step < count; step++) {
            if (accumulate) {
                dst[(int) d] += src[(int) s];
            } else {
                dst[(int) d] = src[(int) s];
            }
            for (int axis = rank - 1; axis >= 0; axis--) { // advance the odometer
                index[axis]++;
                s += srcStrides[axis];
                d += dstStrides[axis];
                if (index[axis] < extent[axis]) {
                    break;
                }
                s -= extent[axis] * srcStrides[axis]; // wrap this axis back to 0, carry into the next
                d -= extent[axis] * dstStrides[axis];
                index[axis] = 0;
            }
        }
    }
}
