package dev.nucleon.cuda;

import dev.nucleon.core.backend.AdamStep;
import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.BackendStatus;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.Device;
import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.backend.RandomDistribution;
import dev.nucleon.core.backend.ReduceOp;
import dev.nucleon.core.backend.RoiAlignGeometry;
import dev.nucleon.core.backend.SgdStep;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.core.reference.StridedCopyLoops;
import jcuda.driver.JCudaDriver;

import java.util.Locale;

/**
 * {@link Backend} on one NVIDIA GPU. Memory operations are here; every compute op is one call into its
 * family ({@link ElementwiseOps}, {@link ReductionOps}, {@link LayoutOps}, {@link PoolingOps},
 * {@link GemmOps}, {@link ConvOps}, {@link NormalizationOps}, {@link DetectionOps}), which picks a kernel of the matching
 * {@code .cu} file and its launch shape. Every call only enqueues work on the device's stream;
 * {@link #download} and {@link #synchronize()} are the points where the host waits.
 */
public final class CudaBackend implements Backend {

    /** System property: fill every {@link #allocateUninitialized} block with NaN (a test aid, off by default). */
    public static final String POISON_PROPERTY = "nucleon.cuda.poisonUninitialized";
    private static final boolean POISON = Boolean.getBoolean(POISON_PROPERTY)
            || Boolean.getBoolean(dev.nucleon.core.cpu.CpuBackend.POISON_PROPERTY);

    private final CudaContext context;
    private final ElementwiseOps elementwise;
    private final ReductionOps reductions;
    private final LayoutOps layout;
    private final PoolingOps pooling;
    private final GemmOps gemm;
    private final ConvOps conv;
    private final NormalizationOps normalization;
    private final DetectionOps detection;

    /** The backend of {@code device} ({@code cuda:N}), which is the driver's device {@code ordinal} (see CudaProbe). */
    CudaBackend(Device device, int ordinal) {
        this.context = new CudaContext(device, ordinal);
        this.elementwise = new ElementwiseOps(context);
        this.reductions = new ReductionOps(this);
        this.layout = new LayoutOps(context);
        this.pooling = new PoolingOps(context);
        this.gemm = new GemmOps(context);
        this.conv = new ConvOps(context);
        this.normalization = new NormalizationOps(context);
        this.detection = new DetectionOps(this);
    }

    CudaContext context() {
        return context;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Device device() {
        return context.device();
    }

    @Override
    public BackendStatus status() {
        return new BackendStatus("cuda", true, String.format(Locale.ROOT, "%s %s (sm_%d), memory: %s", device(),
                context.name(), context.computeCapability(), context.memory().statistics()));
    }

    /** Waits until every op enqueued on this device has finished (for timing and at program boundaries). */
    public void synchronize() {
        context.synchronize();
    }

    /** Gives cached device memory back to the driver (tensors in use are untouched). */
    public void emptyCache() {
        context.memory().emptyCache();
    }

    static CudaStorage cuda(Storage s) {
        if (s instanceof CudaStorage c) {
            return c;
        }
        throw new IllegalArgumentException("cuda: storage " + s + " belongs to another backend; move the tensor with .to(device) first");
    }

    // ----- memory -------------------------------------------------------------------------------

    /** Zeros, as the contract asks of {@code allocate}: one {@code cuMemsetD32Async} on the stream. */
    @Override
    public Storage allocate(long size) {
        CudaStorage s = new CudaStorage(this, size);
        fill(s, 0f);
        return s;
    }

    /**
     * A block from the pool with whatever it held before (no fill: the op that asked writes every element). With
     * {@value #POISON_PROPERTY}{@code =true}, or core's {@code nucleon.cpu.poisonUninitialized} that the build sets
     * for every module's tests, it is filled with NaN instead, so a kernel that leaves an element unwritten shows.
     */
    @Override
    public Storage allocateUninitialized(long size) {
        CudaStorage s = new CudaStorage(this, size);
        if (POISON) {
            fill(s, Float.NaN);
        }
        return s;
    }

    /**
     * Returns the storage's block to the device's pool at once, where the next allocation of its size class
     * takes it (stream order keeps that safe: see {@link DeviceMemoryPool}); using the storage afterwards throws.
     */
    @Override
    public void release(Storage storage) {
        cuda(storage).release();
    }

    @Override
    public Storage upload(float[] data, int offset, int length) {
        CudaStorage s = new CudaStorage(this, length);
        if (length > 0) {
            context.staging().upload(data, offset, length, s.pointer(), 0);
        }
        return s;
    }

    @Override
    public void download(Storage source, long sourceOffset, float[] target, int targetOffset, int length) {
        if (length > 0) {
            context.staging().download(cuda(source).pointer(), sourceOffset, target, targetOffset, length);
        }
    }

    @Override
    public void fill(Storage target, float value) {
        CudaStorage t = cuda(target);
        if (t.size() > 0) {
            context.bind();
            JCudaDriver.cuMemsetD32Async(t.pointer(), Float.floatToRawIntBits(value), t.size(), context.stream());
        }
    }

    @Override
    public void copy(Storage source, Storage target) {
        CudaStorage s = cuda(source);
        if (s.size() > 0) {
            context.bind();
            JCudaDriver.cuMemcpyDtoDAsync(cuda(target).pointer(), s.pointer(), s.size() * Float.BYTES, context.stream());
        }
    }

    @Override
    public void fillRandom(Storage target, RandomDistribution distribution, long seed, float p1, float p2) {
        elementwise.fillRandom(cuda(target), distribution, seed, p1, p2);
    }

    // ----- elementwise --------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, float p1, float p2, Storage x, Storage y) {
        elementwise.unary(op, p1, p2, cuda(x), cuda(y));
    }

    @Override
    public void unaryBackward(UnaryOp op, float p1, float p2, Storage x, Storage y, Storage gy, Storage gx) {
        elementwise.unaryBackward(op, p1, p2, cuda(x), cuda(y), cuda(gy), cuda(gx));
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        elementwise.binary(op, cuda(a), aShape, cuda(b), bShape, cuda(out), outShape);
    }

    @Override
    public void reduce(ReduceOp op, Storage x, int[] xShape, Storage out, int[] outShape) {
        reductions.reduce(op, cuda(x), xShape, cuda(out), outShape);
    }

    @Override
    public void softmax(Storage x, Storage y, int outer, int dim, int inner, boolean log) {
        reductions.softmax(cuda(x), cuda(y), outer, dim, inner, log);
    }

    @Override
    public void softmaxBackward(Storage y, Storage gy, Storage gx, int outer, int dim, int inner, boolean log) {
        reductions.softmaxBackward(cuda(y), cuda(gy), cuda(gx), outer, dim, inner, log);
    }

    @Override
    public void nllLoss(Storage logp, Storage target, Storage loss, int outer, int classes, int inner) {
        reductions.nllLoss(cuda(logp), cuda(target), cuda(loss), outer, classes, inner);
    }

    @Override
    public void nllLossBackward(Storage target, Storage gLoss, Storage gLogp, int outer, int classes, int inner) {
        reductions.nllLossBackward(cuda(target), cuda(gLoss), cuda(gLogp), outer, classes, inner);
    }

    // ----- linear algebra and convolution ------------------------------------------------------------

    @Override
    public void matmul(Storage a, long aBatchStride, boolean transA, Storage b, long bBatchStride, boolean transB,
                       Storage c, int batch, int m, int n, int k) {
        gemm.matmul(cuda(a), aBatchStride, transA, cuda(b), bBatchStride, transB, cuda(c), batch, m, n, k);
    }

    @Override
    public void conv2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y) {
        conv.forward(g, cuda(x), cuda(w), bias == null ? null : cuda(bias), cuda(y));
    }

    @Override
    public void conv2dBackwardData(ConvGeometry g, Storage gy, Storage w, Storage gx) {
        conv.backwardData(g, cuda(gy), cuda(w), cuda(gx));
    }

    @Override
    public void conv2dBackwardWeight(ConvGeometry g, Storage x, Storage gy, Storage gw) {
        conv.backwardWeight(g, cuda(x), cuda(gy), cuda(gw));
    }

    // ----- pooling, resampling, normalisation ---------------------------------------------------------

    @Override
    public void maxPool2d(PoolGeometry g, Storage x, Storage y) {
        pooling.maxPool(g, cuda(x), cuda(y));
    }

    @Override
    public void maxPool2dBackward(PoolGeometry g, Storage x, Storage gy, Storage gx) {
        pooling.maxPoolBackward(g, cuda(x), cuda(gy), cuda(gx));
    }

    @Override
    public void avgPool2d(PoolGeometry g, Storage x, Storage y) {
        pooling.avgPool(g, cuda(x), cuda(y));
    }

    @Override
    public void avgPool2dBackward(PoolGeometry g, Storage gy, Storage gx) {
        pooling.avgPoolBackward(g, cuda(gy), cuda(gx));
    }

    @Override
    public void upsample(UpsampleMode mode, int n, int c, int h, int w, int factor, Storage x, Storage y) {
        pooling.upsample(mode, n, c, h, w, factor, cuda(x), cuda(y));
    }

    @Override
    public void upsampleBackward(UpsampleMode mode, int n, int c, int h, int w, int factor, Storage gy, Storage gx) {
        pooling.upsampleBackward(mode, n, c, h, w, factor, cuda(gy), cuda(gx));
    }

    @Override
    public void batchNormStatistics(Storage x, int n, int c, int spatial, Storage mean, Storage variance) {
        normalization.statistics(cuda(x), n, c, spatial, cuda(mean), cuda(variance));
    }

    @Override
    public void batchNormForward(Storage x, int n, int c, int spatial, Storage mean, Storage invStd,
                                 Storage gamma, Storage beta, Storage y) {
        normalization.forward(cuda(x), n, c, spatial, cuda(mean), cuda(invStd), cuda(gamma), cuda(beta), cuda(y));
    }

    @Override
    public void batchNormBackward(Storage x, Storage gy, int n, int c, int spatial, Storage mean, Storage invStd,
                                  Storage gamma, boolean batchStatistics, Storage gx, Storage gGamma, Storage gBeta) {
        normalization.backward(cuda(x), cuda(gy), n, c, spatial, cuda(mean), cuda(invStd), cuda(gamma), batchStatistics,
                gx == null ? null : cuda(gx), gGamma == null ? null : cuda(gGamma), gBeta == null ? null : cuda(gBeta));
    }

    // ----- fused optimizer steps ----------------------------------------------------------------------

    @Override
    public void adamUpdate(Storage theta, Storage grad, Storage m, Storage v, AdamStep step) {
        elementwise.adamUpdate(cuda(theta), cuda(grad), cuda(m), cuda(v), step);
    }

    @Override
    public void sgdUpdate(Storage theta, Storage grad, Storage buffer, SgdStep step) {
        elementwise.sgdUpdate(cuda(theta), cuda(grad), buffer == null ? null : cuda(buffer), step);
    }

    // ----- layout ---------------------------------------------------------------------------------

    /**
     * The movement primitive through the host: both storages are read back, the reference loop runs, and dst is
     * written again. No op of this backend uses it (each has its kernel); a composed default that needed it would
     * be correct and slow. A device kernel is left for when one does.
     */
    @Override
    public void copyStrided(Storage src, long srcOffset, long[] srcStrides, Storage dst, long dstOffset,
                            long[] dstStrides, int[] extent, boolean accumulate) {
        CudaStorage s = cuda(src);
        CudaStorage d = cuda(dst);
        float[] hostSrc = new float[Math.toIntExact(s.size())];
        float[] hostDst = new float[Math.toIntExact(d.size())];
        download(s, 0, hostSrc, 0, hostSrc.length);
        download(d, 0, hostDst, 0, hostDst.length);
        StridedCopyLoops.copy(hostSrc, srcOffset, srcStrides, hostDst, dstOffset, dstStrides, extent, accumulate);
        if (hostDst.length > 0) {
            context.staging().upload(hostDst, 0, hostDst.length, d.pointer(), 0);
        }
    }

    @Override
    public void permute(Storage x, int[] xShape, int[] perm, Storage y) {
        layout.permute(cuda(x), xShape, perm, cuda(y));
    }

    @Override
    public void copyRegion(Storage src, int[] srcShape, int[] srcStart, Storage dst, int[] dstShape, int[] dstStart,
                           int[] region, boolean accumulate) {
        layout.copyRegion(cuda(src), srcShape, srcStart, cuda(dst), dstShape, dstStart, region, accumulate);
    }

    // ----- detection ---------------------------------------------------------------------------

    @Override
    public void roiAlign(RoiAlignGeometry g, Storage x, Storage rois, Storage y) {
        detection.roiAlign(g, cuda(x), cuda(rois), cuda(y));
    }

    @Override
    public void roiAlignBackward(RoiAlignGeometry g, Storage rois, Storage gy, Storage gx) {
        detection.roiAlignBackward(g, cuda(rois), cuda(gy), cuda(gx));
    }

    @Override
    public long[] nmsMask(Storage boxes, Storage classes, int n, float iouThreshold) {
        return detection.nmsMask(cuda(boxes), classes == null ? null : cuda(classes), n, iouThreshold);
    }
}
