package dev.nucleon.opencl;

import dev.nucleon.core.Device;
import dev.nucleon.core.backend.AdamStep;
import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.BackendStatus;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.backend.ReduceOp;
import dev.nucleon.core.backend.RoiAlignGeometry;
import dev.nucleon.core.backend.SgdStep;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UnaryOp;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;

import java.util.Locale;

/**
 * {@link Backend} on one OpenCL device (a GPU of any vendor, or a CPU through PoCL). It implements the primitives
 * of the contract with kernels ({@code layout.cl}: the strided copy; {@code elementwise.cl}: unary and broadcast
 * binary ops; {@code reduce.cl}; {@code gemm.cl}), and overrides a few composed ops where one kernel or one
 * driver call replaces a chain: fill and copy (driver calls), the unary backward, the fused optimizer steps, the
 * convolution's forward pass (an implicit GEMM with the bias and activation fused) and both backward passes
 * ({@code conv.cl}), the pooling forward passes and the max-pooling backward pass ({@code pool.cl}), and the
 * batch statistics and the batch-norm forward and backward passes ({@code normalization.cl}), and the detection ops:
 * RoIAlign forward and backward and the NMS suppression mask ({@code detection.cl}). Everything else (the
 * average-pooling backward, softmax, losses, upsampling) runs the composed defaults of {@code dev.nucleon.core.composed}
 * on these kernels.
 *
 * <p>Every call only enqueues work on the device's one in-order queue; {@link #download} is where the host
 * waits. Storage returns to the {@link BufferPool} at {@link #release} or when it becomes unreachable.
 */
public final class OpenClBackend implements Backend {

    /** Tests set it: outputs of {@link #allocateUninitialized} start as NaN, so an op that leaves one unwritten fails. */
    private static final boolean POISON = Boolean.getBoolean("nucleon.cpu.poisonUninitialized");

    private final OpenClContext context;
    private final LayoutOps layout;
    private final ElementwiseOps elementwise;
    private final ReductionOps reductions;
    private final GemmOps gemm;
    private final ConvOps conv;
    private final PoolingOps pooling;
    private final NormalizationOps normalization;
    private final DetectionOps detection;

    OpenClBackend(Device device, OpenClProbe.Found found) {
        this.context = new OpenClContext(device, found);
        context.kernels().buildAll();
        this.layout = new LayoutOps(context);
        this.elementwise = new ElementwiseOps(context);
        this.reductions = new ReductionOps(context);
        this.gemm = new GemmOps(context);
        this.conv = new ConvOps(context, reductions, size -> new OpenClStorage(this, size));
        this.pooling = new PoolingOps(context, s -> fill(s, 0f));
        this.normalization = new NormalizationOps(context, size -> new OpenClStorage(this, size));
        this.detection = new DetectionOps(context, s -> fill(s, 0f), size -> new OpenClStorage(this, size),
                (source, target) -> download(source, 0, target, 0, target.length));
    }

    OpenClContext context() {
        return context;
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public Device device() {
        return context.device();
    }

    @Override
    public BackendStatus status() {
        return new BackendStatus("opencl", true, String.format(Locale.ROOT, "%s %s, memory: %s", device(), context.name(),
                context.pool().statistics()));
    }

    /** Waits until every op enqueued on this device has finished (for timing). */
    public void synchronize() {
        context.finish();
    }

    /** Gives cached device buffers back to the driver (tensors in use are untouched). */
    public void emptyCache() {
        context.pool().emptyCache();
    }

    static OpenClStorage cl(Storage s) {
        if (s instanceof OpenClStorage c) {
            return c;
        }
        throw new IllegalArgumentException("opencl: storage " + s + " belongs to another backend; move the tensor with .to(device) first");
    }

    // ----- memory -------------------------------------------------------------------------------

    @Override
    public Storage allocate(long size) {
        OpenClStorage s = new OpenClStorage(this, size);
        fill(s, 0f);
        return s;
    }

    @Override
    public Storage allocateUninitialized(long size) {
        OpenClStorage s = new OpenClStorage(this, size);
        if (POISON) {
            fill(s, Float.NaN);
        }
        return s;
    }

    @Override
    public void release(Storage storage) {
        cl(storage).release();
    }

    @Override
    public Storage upload(float[] data, int offset, int length) {
        OpenClStorage s = new OpenClStorage(this, length);
        if (length > 0) {
            try {
                CL.clEnqueueWriteBuffer(context.queue(), s.buffer(), CL.CL_TRUE, 0, (long) length * Sizeof.cl_float,
                        Pointer.to(data).withByteOffset((long) offset * Sizeof.cl_float), 0, null, null);
            } catch (CLException e) {
                throw failure("upload of " + length + " floats", e);
            }
        }
        return s;
    }

    @Override
    public void download(Storage source, long sourceOffset, float[] target, int targetOffset, int length) {
        if (length > 0) {
            try {
                CL.clEnqueueReadBuffer(context.queue(), cl(source).buffer(), CL.CL_TRUE, sourceOffset * Sizeof.cl_float,
                        (long) length * Sizeof.cl_float, Pointer.to(target).withByteOffset((long) targetOffset * Sizeof.cl_float),
                        0, null, null);
            } catch (CLException e) {
                throw failure("download of " + length + " floats", e);
            }
        }
    }

    private IllegalStateException failure(String what, CLException e) {
        String status = CL.stringFor_errorCode(e.getStatus());
        if (e.getStatus() == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE || e.getStatus() == CL.CL_OUT_OF_RESOURCES) {
            throw new OpenClOutOfMemoryException("OpenCL out of memory on " + device() + " during " + what + " (" + status
                    + "); " + context.pool().statistics());
        }
        return new IllegalStateException("opencl: " + what + " failed on " + device() + ": " + status, e);
    }

    @Override
    public void fill(Storage target, float value) {
        OpenClStorage t = cl(target);
        if (t.size() > 0) {
            try {
                CL.clEnqueueFillBuffer(context.queue(), t.buffer(), Pointer.to(new float[] {value}), Sizeof.cl_float, 0,
                        t.size() * Sizeof.cl_float, 0, null, null);
            } catch (CLException e) {
                throw failure("fill of " + t.size() + " floats", e);
            }
        }
    }

    @Override
    public void copy(Storage source, Storage target) {
        OpenClStorage s = cl(source);
        if (s.size() > 0) {
            try {
                CL.clEnqueueCopyBuffer(context.queue(), s.buffer(), cl(target).buffer(), 0, 0, s.size() * Sizeof.cl_float,
                        0, null, null);
            } catch (CLException e) {
                throw failure("copy of " + s.size() + " floats", e);
            }
        }
    }

    // ----- primitives -----------------------------------------------------------------------------

    @Override
    public void copyStrided(Storage src, long srcOffset, long[] srcStrides, Storage dst, long dstOffset, long[] dstStrides,
                            int[] extent, boolean accumulate) {
        layout.copyStrided(cl(src), srcOffset, srcStrides, cl(dst), dstOffset, dstStrides, extent, accumulate);
    }

    @Override
    public void unary(UnaryOp op, float p1, float p2, Storage x, Storage y) {
        elementwise.unary(op, p1, p2, cl(x), cl(y));
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        elementwise.binary(op, cl(a), aShape, cl(b), bShape, cl(out), outShape);
    }

    @Override
    public void reduce(ReduceOp op, Storage x, int[] xShape, Storage out, int[] outShape) {
        reductions.reduce(op, cl(x), xShape, cl(out), outShape);
    }

    @Override
    public void matmul(Storage a, long aBatchStride, boolean transA, Storage b, long bBatchStride, boolean transB,
                       Storage c, int batch, int m, int n, int k) {
        gemm.matmul(cl(a), aBatchStride, transA, cl(b), bBatchStride, transB, cl(c), batch, m, n, k);
    }

    // ----- composed ops with a kernel of their own ----------------------------------------------------

    @Override
    public void unaryBackward(UnaryOp op, float p1, float p2, Storage x, Storage y, Storage gy, Storage gx) {
        elementwise.unaryBackward(op, p1, p2, cl(x), cl(y), cl(gy), cl(gx));
    }

    @Override
    public void conv2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y) {
        conv.forward(g, cl(x), cl(w), bias == null ? null : cl(bias), cl(y), Epilogue.NONE);
    }

    @Override
    public void conv2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y, Epilogue epilogue) {
        conv.forward(g, cl(x), cl(w), bias == null ? null : cl(bias), cl(y), epilogue);
    }

    @Override
    public void conv2dBackwardData(ConvGeometry g, Storage gy, Storage w, Storage gx) {
        conv.backwardData(g, cl(gy), cl(w), cl(gx));
    }

    @Override
    public void conv2dBackwardWeight(ConvGeometry g, Storage x, Storage gy, Storage gw) {
        conv.backwardWeight(g, cl(x), cl(gy), cl(gw));
    }

    @Override
    public void maxPool2d(PoolGeometry g, Storage x, Storage y) {
        pooling.forward(g, cl(x), cl(y), false);
    }

    @Override
    public void maxPool2dBackward(PoolGeometry g, Storage x, Storage gy, Storage gx) {
        pooling.maxBackward(g, cl(x), cl(gy), cl(gx));
    }

    @Override
    public void avgPool2d(PoolGeometry g, Storage x, Storage y) {
        pooling.forward(g, cl(x), cl(y), true);
    }

    @Override
    public void batchNormStatistics(Storage x, int n, int c, int spatial, Storage mean, Storage variance) {
        normalization.statistics(cl(x), n, c, spatial, cl(mean), cl(variance));
    }

    @Override
    public void batchNormForward(Storage x, int n, int c, int spatial, Storage mean, Storage invStd, Storage gamma,
                                 Storage beta, Storage y) {
        normalization.forward(cl(x), n, c, spatial, cl(mean), cl(invStd), cl(gamma), cl(beta), cl(y));
    }

    @Override
    public void batchNormBackward(Storage x, Storage gy, int n, int c, int spatial, Storage mean, Storage invStd,
                                  Storage gamma, boolean batchStatistics, Storage gx, Storage gGamma, Storage gBeta) {
        normalization.backward(cl(x), cl(gy), n, c, spatial, cl(mean), cl(invStd), cl(gamma), batchStatistics,
                gx == null ? null : cl(gx), gGamma == null ? null : cl(gGamma), gBeta == null ? null : cl(gBeta));
    }

    @Override
    public void adamUpdate(Storage theta, Storage grad, Storage m, Storage v, AdamStep step) {
        elementwise.adamUpdate(cl(theta), cl(grad), cl(m), cl(v), step);
    }

    @Override
    public void sgdUpdate(Storage theta, Storage grad, Storage buffer, SgdStep step) {
        elementwise.sgdUpdate(cl(theta), cl(grad), buffer == null ? null : cl(buffer), step);
    }

    // ----- detection ---------------------------------------------------------------------------

    @Override
    public void roiAlign(RoiAlignGeometry g, Storage x, Storage rois, Storage y) {
        detection.roiAlign(g, cl(x), cl(rois), cl(y));
    }

    @Override
    public void roiAlignBackward(RoiAlignGeometry g, Storage rois, Storage gy, Storage gx) {
        detection.roiAlignBackward(g, cl(rois), cl(gy), cl(gx));
    }

    @Override
    public long[] nmsMask(Storage boxes, Storage classes, int n, float iouThreshold) {
        return detection.nmsMask(cl(boxes), classes == null ? null : cl(classes), n, iouThreshold);
    }
}
