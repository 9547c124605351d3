package dev.nucleon.opencl;

/** Launches the kernel of {@code layout.cl}: the strided copy every movement op is built from. */
final class LayoutOps {

    private final OpenClContext context;

    LayoutOps(OpenClContext context) {
        this.context = context;
    }

    void copyStrided(OpenClStorage src, long srcOffset, long[] srcStrides, OpenClStorage dst, long dstOffset,
                     long[] dstStrides, int[] extent, boolean accumulate) {
        Walk box = Walk.of(extent, srcStrides, dstStrides);
        long n = box.count();
        for (int e : extent) {
            if (e == 0) {
                return;
            }
        }
        context.launch("layout", "copy_strided", new long[] {OpenClContext.linear(n)}, null,
                box.table("copyStrided"), src, srcOffset, dst, dstOffset, n, accumulate ? 1 : 0);
    }
}
