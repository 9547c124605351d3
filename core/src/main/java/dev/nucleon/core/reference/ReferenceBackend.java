package dev.nucleon.core.reference;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.BackendStatus;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.Device;
import dev.nucleon.core.backend.ReduceOp;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UnaryOp;

/**
 * The reference backend: the eight primitives of {@link Backend}, as plain loops over float[] with double
 * accumulation, and nothing else. Every other op (convolution, pooling, batch norm, softmax, the optimizer
 * steps, …) runs the {@link Backend}'s composed default, so this class is both the smallest complete backend
 * (the template for a new device) and the specification the fast kernels are tested against
 * ({@code BackendConformanceSuite} runs on it as {@code ReferenceConformanceTest}).
 *
 * <p>Read in this order: {@link StridedCopyLoops} (all data movement), {@link ElementwiseLoops} (map and zip),
 * {@link ReductionLoops}, {@link MatmulLoops}; then {@code dev.nucleon.core.composed} for how the other ops are
 * built from them, and {@link ReferenceConv} for convolution written straight from its definition. Single
 * threaded and slow by design: use it on small tensors ({@code Device} {@code "reference"}).
 */
public final class ReferenceBackend implements Backend {

    /** The device type: {@code Tensor.to(ReferenceBackend.DEVICE)}. */
    public static final Device DEVICE = new Device("reference", 0);

    /** The one reference backend, serving {@link #DEVICE}. */
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    private ReferenceBackend() {
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Device device() {
        return DEVICE;
    }

    @Override
    public BackendStatus status() {
        return new BackendStatus("reference", true, "plain loops, 1 thread, double accumulation (for tests and reading)");
    }

    private static float[] a(Storage s) {
        if (s instanceof ReferenceStorage r) {
            return r.data;
        }
        throw new IllegalArgumentException("reference: storage of backend '" + s.backend().name()
                + "' passed to the reference backend; move the tensor with to(ReferenceBackend.DEVICE)");
    }

    // ----- memory ---------------------------------------------------------------------------------------

    @Override
    public Storage allocate(long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("reference: cannot allocate " + size + " floats (Java arrays hold at most "
                    + (Integer.MAX_VALUE - 8) + ")");
        }
        return new ReferenceStorage(new float[(int) size]);
    }

    @Override
    public Storage upload(float[] data, int offset, int length) {
        float[] copy = new float[length];
        System.arraycopy(data, offset, copy, 0, length);
        return new ReferenceStorage(copy);
    }

    @Override
    public void download(Storage source, long sourceOffset, float[] target, int targetOffset, int length) {
        System.arraycopy(a(source), Math.toIntExact(sourceOffset), target, targetOffset, length);
    }

    // ----- movement, elementwise, reduction, linear algebra ---------------------------------------------

    @Override
    public void copyStrided(Storage src, long srcOffset, long[] srcStrides, Storage dst, long dstOffset,
                            long[] dstStrides, int[] extent, boolean accumulate) {
        StridedCopyLoops.copy(a(src), srcOffset, srcStrides, a(dst), dstOffset, dstStrides, extent, accumulate);
    }

    @Override
    public void unary(UnaryOp op, float p1, float p2, Storage x, Storage y) {
        ElementwiseLoops.unary(op, p1, p2, a(x), a(y));
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        ElementwiseLoops.binary(op, a(a), aShape, a(b), bShape, a(out), outShape);
    }

    @Override
    public void reduce(ReduceOp op, Storage x, int[] xShape, Storage out, int[] outShape) {
        ReductionLoops.reduce(op, a(x), xShape, a(out), outShape);
    }

    @Override
    public void matmul(Storage a, long aBatchStride, boolean transA, Storage b, long bBatchStride, boolean transB,
                       Storage c, int batch, int m, int n, int k) {
        MatmulLoops.matmul(a(a), aBatchStride, transA, a(b), bBatchStride, transB, a(c), batch, m, n, k);
    }
}
