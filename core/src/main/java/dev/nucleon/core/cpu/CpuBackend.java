package dev.nucleon.core.cpu;

import dev.nucleon.core.cpu.conv.ConvKernels;
import dev.nucleon.core.cpu.gemm.Sgemm;

import dev.nucleon.core.backend.AdamStep;
import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.BackendStatus;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.Device;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.backend.RandomDistribution;
import dev.nucleon.core.backend.ReduceOp;
import dev.nucleon.core.backend.SgdStep;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.core.reference.StridedCopyLoops;
import dev.nucleon.core.reference.NmsLoops;
import dev.nucleon.core.reference.RoiAlignLoops;
import dev.nucleon.core.backend.RoiAlignGeometry;

import java.util.Arrays;

/**
 * The fast CPU backend: float[] storage on the Java heap, multi-threaded kernels in plain Java, with a
 * Vector API SGEMM micro-kernel when {@code jdk.incubator.vector} is present ({@link VectorSupport}).
 * Each method unwraps the arrays and calls the kernel class for its family; it overrides every composed op of
 * {@link Backend} with its kernel ({@code CpuVsReferenceTest} checks that none falls back to a default, and
 * compares every kernel with the specification, {@code dev.nucleon.core.reference.ReferenceBackend}).
 */
public final class CpuBackend implements Backend {

    /** System property: fill every {@link #allocateUninitialized} array with NaN (a test aid, off by default). */
    public static final String POISON_PROPERTY = "nucleon.cpu.poisonUninitialized";
    private static final boolean POISON = Boolean.getBoolean(POISON_PROPERTY);

    /** The one CPU backend; it keeps no per-call state, only the shared, thread-safe array pool. */
    public static final CpuBackend INSTANCE = new CpuBackend();

    private final ArrayPool pool = ArrayPool.SHARED;

    private CpuBackend() {
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public BackendStatus status() {
        int threads = Parallel.threads();
        return new BackendStatus("cpu", true, threads + (threads == 1 ? " thread, " : " threads, ") + VectorSupport.describe());
    }

    private static float[] a(Storage s) {
        if (s instanceof CpuStorage c) {
            return c.data();
        }
        throw new IllegalArgumentException("cpu: storage of backend '" + s.backend().name()
                + "' passed to the CPU backend; move the tensor with to(Device.CPU)");
    }

    // ----- memory ---------------------------------------------------------------------------------------

    @Override
    public Storage allocate(long size) {
        float[] reused = pool.take(checkedLength(size));
        if (reused != null) {
            Arrays.fill(reused, 0f);
            return new CpuStorage(reused);
        }
        return new CpuStorage(newArray(size));
    }

    /**
     * A released array of this length when the pool keeps one (stale contents), else a new one. With the system
     * property {@value #POISON_PROPERTY}{@code =true} every such array is filled with NaN first, so a test run
     * shows any op that reads an output element it did not write (the build sets it for every module's tests).
     */
    @Override
    public Storage allocateUninitialized(long size) {
        float[] a = pool.take(checkedLength(size));
        if (a == null) {
            a = newArray(size);
        }
        if (POISON) {
            Arrays.fill(a, Float.NaN);
        }
        return new CpuStorage(a);
    }

    /** Puts the array back in the pool ({@link ArrayPool}: exact lengths, bounded); the storage is unusable after. */
    @Override
    public void release(Storage storage) {
        if (storage instanceof CpuStorage c) {
            float[] d = c.detach();
            if (d != null) {
                pool.give(d);
            }
        }
    }

    /** Drops the arrays kept for reuse (they are then garbage collected). */
    public void trimPool() {
        pool.clear();
    }

    /** {@return the number of floats in the arrays kept for reuse now} */
    public long pooledFloats() {
        return pool.heldFloats();
    }

    private static int checkedLength(long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cpu: cannot allocate " + size + " floats (Java arrays hold at most "
                    + (Integer.MAX_VALUE - 8) + ")");
        }
        return (int) size;
    }

    private static float[] newArray(long size) {
        try {
            return new float[checkedLength(size)];
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException("cpu: out of memory allocating " + size + " floats ("
                    + (size * 4 >> 20) + " MiB); max heap is " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB (raise it with -Xmx)", e);
        }
    }

    @Override
    public Storage upload(float[] data, int offset, int length) {
        return new CpuStorage(Arrays.copyOfRange(data, offset, offset + length));
    }

    @Override
    public void download(Storage source, long sourceOffset, float[] target, int targetOffset, int length) {
        System.arraycopy(a(source), Math.toIntExact(sourceOffset), target, targetOffset, length);
    }

    @Override
    public void fill(Storage target, float value) {
        Arrays.fill(a(target), value);
    }

    @Override
    public void copy(Storage source, Storage target) {
        float[] s = a(source);
        System.arraycopy(s, 0, a(target), 0, s.length);
    }

    @Override
    public void fillRandom(Storage target, RandomDistribution distribution, long seed, float p1, float p2) {
        Elementwise.fillRandom(a(target), distribution, seed, p1, p2);
    }

    // ----- elementwise ----------------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, float p1, float p2, Storage x, Storage y) {
        Elementwise.unary(op, p1, p2, a(x), a(y));
    }

    @Override
    public void unaryBackward(UnaryOp op, float p1, float p2, Storage x, Storage y, Storage gy, Storage gx) {
        Elementwise.unaryBackward(op, p1, p2, a(x), a(y), a(gy), a(gx));
    }

    @Override
    public void binary(BinaryOp op, Storage x, int[] xShape, Storage y, int[] yShape, Storage out, int[] outShape) {
        Elementwise.binary(op, a(x), xShape, a(y), yShape, a(out), outShape);
    }

    @Override
    public void reduce(ReduceOp op, Storage x, int[] xShape, Storage out, int[] outShape) {
        ReductionKernels.reduce(op, a(x), xShape, a(out), outShape);
    }

    @Override
    public void softmax(Storage x, Storage y, int outer, int dim, int inner, boolean log) {
        ReductionKernels.softmax(a(x), a(y), outer, dim, inner, log);
    }

    @Override
    public void softmaxBackward(Storage y, Storage gy, Storage gx, int outer, int dim, int inner, boolean log) {
        ReductionKernels.softmaxBackward(a(y), a(gy), a(gx), outer, dim, inner, log);
    }

    @Override
    public void nllLoss(Storage logp, Storage target, Storage loss, int outer, int classes, int inner) {
        ReductionKernels.nllLoss(a(logp), a(target), a(loss), outer, classes, inner);
    }

    @Override
    public void nllLossBackward(Storage target, Storage gLoss, Storage gLogp, int outer, int classes, int inner) {
        ReductionKernels.nllLossBackward(a(target), a(gLoss), a(gLogp), outer, classes, inner);
    }

    // ----- linear algebra and convolution -----------------------------------------------------------------

    @Override
    public void matmul(Storage a, long aBatchStride, boolean transA, Storage b, long bBatchStride, boolean transB,
                       Storage c, int batch, int m, int n, int k) {
        float[] av = a(a);
        float[] bv = a(b);
        float[] cv = a(c);
        // Large matrices: one at a time, SGEMM threads inside. Many small ones: threads across the batch.
        boolean acrossBatch = batch >= Parallel.threads() && (long) m * n * k < 64L * 64 * 64 * 8;
        Parallel.range(batch, acrossBatch ? 1 : batch, (from, to) -> {
            for (int i = from; i < to; i++) {
                Sgemm.multiply(transA, transB, m, n, k, av, (int) (i * aBatchStride), bv, (int) (i * bBatchStride),
                        cv, i * m * n, false);
            }
        });
    }

    @Override
    public void conv2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y) {
        ConvKernels.forward(g, a(x), a(w), bias == null ? null : a(bias), a(y));
    }

    @Override
    public void conv2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y, Epilogue epilogue) {
        ConvKernels.forward(g, a(x), a(w), bias == null ? null : a(bias), a(y), epilogue);
    }

    @Override
    public void conv2d(ConvGeometry g, Storage[] parts, int[] partChannels, Storage w, Storage bias, Storage y,
                       Epilogue epilogue) {
        if (!ConvKernels.usesDirect(g)) { // the GEMM path reads one array: join the parts into a pooled temporary
            Backend.super.conv2d(g, parts, partChannels, w, bias, y, epilogue);
            return;
        }
        float[][] arrays = new float[parts.length][];
        for (int p = 0; p < parts.length; p++) {
            arrays[p] = a(parts[p]);
        }
        ConvKernels.forward(g, arrays, partChannels, a(w), bias == null ? null : a(bias), a(y), epilogue);
    }

    @Override
    public void convTranspose2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y, Epilogue epilogue) {
        ConvKernels.transpose(g, a(x), a(w), bias == null ? null : a(bias), a(y), epilogue);
    }

    @Override
    public void conv2dBackwardData(ConvGeometry g, Storage gy, Storage w, Storage gx) {
        ConvKernels.backwardData(g, a(gy), a(w), a(gx));
    }

    @Override
    public void conv2dBackwardWeight(ConvGeometry g, Storage x, Storage gy, Storage gw) {
        ConvKernels.backwardWeight(g, a(x), a(gy), a(gw));
    }

    // ----- pooling, resampling, normalisation -----------------------------------------------------------

    @Override
    public void maxPool2d(PoolGeometry g, Storage x, Storage y) {
        PoolingKernels.maxPool(g, a(x), a(y));
    }

    @Override
    public void maxPool2dBackward(PoolGeometry g, Storage x, Storage gy, Storage gx) {
        PoolingKernels.maxPoolBackward(g, a(x), a(gy), a(gx));
    }

    @Override
    public void avgPool2d(PoolGeometry g, Storage x, Storage y) {
        PoolingKernels.avgPool(g, a(x), a(y));
    }

    @Override
    public void avgPool2dBackward(PoolGeometry g, Storage gy, Storage gx) {
        PoolingKernels.avgPoolBackward(g, a(gy), a(gx));
    }

    @Override
    public void upsample(UpsampleMode mode, int n, int c, int h, int w, int factor, Storage x, Storage y) {
        PoolingKernels.upsample(mode, n, c, h, w, factor, a(x), a(y), false);
    }

    @Override
    public void upsampleBackward(UpsampleMode mode, int n, int c, int h, int w, int factor, Storage gy, Storage gx) {
        PoolingKernels.upsample(mode, n, c, h, w, factor, a(gx), a(gy), true);
    }

    @Override
    public void batchNormStatistics(Storage x, int n, int c, int spatial, Storage mean, Storage variance) {
        BatchNormKernels.statistics(a(x), n, c, spatial, a(mean), a(variance));
    }

    @Override
    public void batchNormForward(Storage x, int n, int c, int spatial, Storage mean, Storage invStd, Storage gamma,
                                 Storage beta, Storage y) {
        BatchNormKernels.forward(a(x), n, c, spatial, a(mean), a(invStd), a(gamma), a(beta), a(y));
    }

    @Override
    public void batchNormBackward(Storage x, Storage gy, int n, int c, int spatial, Storage mean, Storage invStd,
                                  Storage gamma, boolean batchStatistics, Storage gx, Storage gGamma, Storage gBeta) {
        BatchNormKernels.backward(a(x), a(gy), n, c, spatial, a(mean), a(invStd), a(gamma), batchStatistics,
                gx == null ? null : a(gx), gGamma == null ? null : a(gGamma), gBeta == null ? null : a(gBeta));
    }

    // ----- layout ---------------------------------------------------------------------------------------

    @Override
    public void adamUpdate(Storage theta, Storage grad, Storage m, Storage v, AdamStep step) {
        OptimizerKernels.adam(a(theta), a(grad), a(m), a(v), step);
    }

    @Override
    public void sgdUpdate(Storage theta, Storage grad, Storage buffer, SgdStep step) {
        OptimizerKernels.sgd(a(theta), a(grad), step.momentum() != 0f ? a(buffer) : null, step);
    }

    /**
     * The movement primitive, as the reference loop: every op of this backend that moves data has its own kernel
     * (copy, permute, copyRegion, im2col, pooling windows), so only a composed default this backend does not
     * override would reach it, and there is none.
     */
    @Override
    public void copyStrided(Storage src, long srcOffset, long[] srcStrides, Storage dst, long dstOffset,
                            long[] dstStrides, int[] extent, boolean accumulate) {
        StridedCopyLoops.copy(a(src), srcOffset, srcStrides, a(dst), dstOffset, dstStrides, extent, accumulate);
    }

    @Override
    public void permute(Storage x, int[] xShape, int[] perm, Storage y) {
        LayoutKernels.permute(a(x), xShape, perm, a(y));
    }

    @Override
    public void copyRegion(Storage src, int[] srcShape, int[] srcStart, Storage dst, int[] dstShape, int[] dstStart,
                           int[] region, boolean accumulate) {
        LayoutKernels.copyRegion(a(src), srcShape, srcStart, a(dst), dstShape, dstStart, region, accumulate);
    }

    @Override
    public void roiAlign(RoiAlignGeometry g, Storage x, Storage rois, Storage y) {
        RoiAlignLoops.forward(g, a(x), a(rois), a(y));
    }

    @Override
    public void roiAlignBackward(RoiAlignGeometry g, Storage rois, Storage gy, Storage gx) {
        float[] out = a(gx);
        Arrays.fill(out, 0f);
        RoiAlignLoops.backward(g, a(rois), a(gy), out);
    }

    @Override
    public long[] nmsMask(Storage boxes, Storage classes, int n, float iouThreshold) {
        return NmsLoops.suppressionMask(Arrays.copyOf(a(boxes), 4 * n),
                classes == null ? null : Arrays.copyOf(a(classes), n), n, iouThreshold);
    }

    @Override
    public void gather(Storage x, int outer, int n, int inner, Storage indices, int k, Storage y) {
        IndexingKernels.gather(a(x), outer, n, inner, a(indices), k, a(y));
    }

    @Override
    public void scatterAdd(Storage g, int outer, int k, int inner, Storage indices, int n, Storage gx) {
        IndexingKernels.scatterAdd(a(g), outer, k, inner, a(indices), n, a(gx));
    }
}
