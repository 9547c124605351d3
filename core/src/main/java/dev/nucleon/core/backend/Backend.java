package dev.nucleon.core.backend;

import dev.nucleon.core.Device;

import dev.nucleon.core.composed.ComposedConvolution;
import dev.nucleon.core.composed.ComposedElementwise;
import dev.nucleon.core.composed.ComposedLayout;
import dev.nucleon.core.composed.ComposedLosses;
import dev.nucleon.core.composed.ComposedNormalization;
import dev.nucleon.core.composed.ComposedOptimizers;
import dev.nucleon.core.composed.ComposedPooling;
import dev.nucleon.core.composed.ComposedIndexing;
import dev.nucleon.core.composed.ComposedNms;
import dev.nucleon.core.composed.ComposedRoiAlign;

/**
 * What a device must provide for tensors to live on it: a few <em>primitives</em> it must implement, and every
 * other op, which has a default <em>composed</em> from those primitives and which a backend overrides where it has
 * a faster kernel.
 *
 * <h2>The primitives (8, plus 3 that name the backend)</h2>
 * <table>
 *   <caption>What a new backend must write</caption>
 *   <tr><th>family</th><th>primitive</th><th>why it cannot be composed</th></tr>
 *   <tr><td>memory</td><td>{@link #allocate}, {@link #upload}, {@link #download}</td>
 *       <td>only the device knows its memory</td></tr>
 *   <tr><td>movement</td><td>{@link #copyStrided}</td>
 *       <td>the one way data moves inside the device: copy, fill, permute, slice/concat ({@link #copyRegion}),
 *           the windows of a convolution or a pooling (im2col, col2im), nearest upsampling are all strided copies</td></tr>
 *   <tr><td>elementwise</td><td>{@link #unary} (map), {@link #binary} (zip, with broadcasting)</td>
 *       <td>the arithmetic itself; every derivative, loss and optimizer step is a chain of these</td></tr>
 *   <tr><td>reduction</td><td>{@link #reduce} (sum, max over axes)</td>
 *       <td>the one op whose output element reads many inputs along an axis</td></tr>
 *   <tr><td>linear algebra</td><td>{@link #matmul} (batched GEMM)</td>
 *       <td>a reduction too, but the one that carries the FLOPs: convolution (im2col + GEMM) and bilinear
 *           upsampling (two interpolation matrices) are built on it</td></tr>
 * </table>
 * With {@link #name}, {@link #device} and {@link #status} that makes 11 abstract methods; before this contract
 * was slimmed every one of the 34 methods below was abstract. {@code dev.nucleon.core.reference.ReferenceBackend}
 * implements only these and passes the whole conformance suite.
 *
 * <h2>The composed ops</h2>
 * Everything after the primitives (marked "composed" below) is a default method whose body is one call into
 * {@code dev.nucleon.core.composed}, one class per op family, where the composition is written out with its
 * formula: {@code ComposedLayout} (fill, copy, random fills, permute, copyRegion), {@code ComposedElementwise}
 * (unary derivatives), {@code ComposedConvolution} (im2col + GEMM and its two adjoints), {@code ComposedPooling}
 * (max/average pooling, upsampling), {@code ComposedNormalization} (batch norm), {@code ComposedLosses}
 * (softmax, negative log-likelihood), {@code ComposedOptimizers} (Adam, SGD). A default is correct and slow:
 * it allocates temporaries and may read some data back to the host (the class says when). The CPU backend
 * overrides every one of them with its kernels ({@code CpuVsReferenceTest} checks that, and compares each kernel
 * with the reference backend); the CUDA backend all but the fused conv2d entries and the memory hints
 * ({@code CudaKernelCoverageTest} lists them).
 *
 * <p>Conventions. Every {@link Storage} argument belongs to this backend and holds contiguous row-major
 * data of the stated shape. Output arguments are overwritten (never accumulated into) unless the method
 * says otherwise, and must not alias inputs. Shapes are checked by the caller (the ops in
 * {@code dev.nucleon.core.ops}); a backend may assume them consistent.
 */
public interface Backend {

    /** {@return the short name, e.g. {@code "cpu"}, {@code "cuda"}, {@code "reference"}} */
    String name();

    /** {@return the device this backend's storages live on} */
    Device device();

    /** {@return one line for {@code nucleon info}: availability and configuration (threads, vector width, device)} */
    BackendStatus status();

    // ===== primitives: what every backend implements ===============================================

    /**
     * Allocates a zero-filled storage. (primitive)
     *
     * @param size its length in floats, ≥ 0
     * @return the new storage
     */
    Storage allocate(long size);

    /**
     * Copies host floats into a new storage. (primitive)
     *
     * @param data   the host array, not kept
     * @param offset the first element copied
     * @param length the number of floats copied
     * @return a new storage holding a copy of {@code data[offset .. offset + length)}
     */
    Storage upload(float[] data, int offset, int length);

    /**
     * Copies {@code length} floats starting at {@code sourceOffset} into {@code target[targetOffset ..]}. (primitive)
     *
     * @param source       a storage of this backend
     * @param sourceOffset the first float read, in floats
     * @param target       the host array written
     * @param targetOffset the first element written
     * @param length       the number of floats
     */
    void download(Storage source, long sourceOffset, float[] target, int targetOffset, int length);

    /**
     * The one data-movement primitive. For every index {@code (i₀, …, i_{r−1})} of the box {@code extent}
     * (r = extent.length):
     * <pre>
     *   dst[dstOffset + Σ_d i_d·dstStrides[d]]  =  src[srcOffset + Σ_d i_d·srcStrides[d]]     (+= with accumulate)
     * </pre>
     * Strides count floats; a source stride may be 0 (the same element read again: a broadcast). The written
     * dst positions must be distinct (so a parallel backend needs no atomics), dst elements outside them are left
     * alone, and src and dst are different storages. (primitive)
     *
     * @param src        the source storage
     * @param srcOffset  the source element of index (0, …, 0), in floats
     * @param srcStrides the source step per axis, in floats (0 broadcasts)
     * @param dst        the target storage, not src
     * @param dstOffset  the target element of index (0, …, 0), in floats
     * @param dstStrides the target step per axis, in floats
     * @param extent     the box's size per axis
     * @param accumulate add into dst (true) or overwrite it (false)
     */
    void copyStrided(Storage src, long srcOffset, long[] srcStrides, Storage dst, long dstOffset, long[] dstStrides,
                     int[] extent, boolean accumulate);

    /**
     * y = op(x; p1, p2), elementwise. (primitive)
     *
     * @param op the function
     * @param p1 its first scalar parameter (see {@link UnaryOp}; ignored by ops without one)
     * @param p2 its second scalar parameter (ignored by ops without one)
     * @param x  the input
     * @param y  the output, x's size, written
     */
    void unary(UnaryOp op, float p1, float p2, Storage x, Storage y);

    /**
     * out = op(a, b) with NumPy broadcasting: the three shapes have the same rank (the caller pads with
     * leading 1s) and each of {@code aShape[d]}, {@code bShape[d]} equals {@code outShape[d]} or 1. (primitive)
     *
     * @param op       the function
     * @param a        the first operand, of {@code aShape}
     * @param aShape   a's shape
     * @param b        the second operand, of {@code bShape}
     * @param bShape   b's shape
     * @param out      the result, of {@code outShape}
     * @param outShape the broadcast shape
     */
    void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape);

    /**
     * Reduces {@code x} to {@code outShape}: same rank, each {@code outShape[d]} equals {@code xShape[d]}
     * (kept) or 1 (reduced over). (primitive)
     *
     * @param op       sum or max
     * @param x        the input, of {@code xShape}
     * @param xShape   x's shape
     * @param out      the result, of {@code outShape}
     * @param outShape x's shape with the reduced axes set to 1
     */
    void reduce(ReduceOp op, Storage x, int[] xShape, Storage out, int[] outShape);

    /**
     * Batched matrix product c[i] = op(a[i]) · op(b[i]) for i in [0, batch); c[i] is m×n, op(a[i]) m×k,
     * op(b[i]) k×n. A batch stride of 0 broadcasts one matrix to the whole batch. {@code transA}: a[i] is
     * stored k×m; {@code transB}: b[i] is stored n×k. (primitive)
     *
     * @param a            the left matrices, row-major
     * @param aBatchStride floats from a[i] to a[i+1], 0 to share one matrix
     * @param transA       whether a[i] is stored transposed (k×m)
     * @param b            the right matrices, row-major
     * @param bBatchStride floats from b[i] to b[i+1], 0 to share one matrix
     * @param transB       whether b[i] is stored transposed (n×k)
     * @param c            the products, batch·m·n floats, overwritten
     * @param batch        the number of products
     * @param m            rows of c[i]
     * @param n            columns of c[i]
     * @param k            the inner size
     */
    void matmul(Storage a, long aBatchStride, boolean transA, Storage b, long bBatchStride, boolean transB,
                Storage c, int batch, int m, int n, int k);

    // ===== composed: defaults built from the primitives (dev.nucleon.core.composed), overridden for speed ===

    // ----- memory and movement (ComposedLayout) ---------------------------------------------------

    /**
     * Storage of {@code size} floats whose contents are unspecified, for an op that writes every element
     * (outputs are overwritten, see the conventions above). The default is {@link #allocate} (zeros).
     *
     * @param size its length in floats, ≥ 0
     * @return the new storage
     */
    default Storage allocateUninitialized(long size) {
        return allocate(size);
    }

    /**
     * Hands back storage whose contents nobody will read again, so that a later allocation of the same size may
     * reuse its memory; any later use of it is an error (the CPU backend throws). Tensors that share it, views
     * made by {@code reshape}, are released with it. The default does nothing: the memory is reclaimed when the
     * storage becomes unreachable.
     *
     * @param storage a storage of this backend that will not be used again
     */
    default void release(Storage storage) {
    }

    /**
     * Sets every element of {@code target} to value. (composed: a broadcast {@link #copyStrided} of one uploaded
     * float)
     *
     * @param target the storage written
     * @param value  the value
     */
    default void fill(Storage target, float value) {
        ComposedLayout.fill(this, target, value);
    }

    /**
     * {@code target[0 .. source.size())} = source. (composed: one {@link #copyStrided})
     *
     * @param source the storage read
     * @param target a different storage of at least source's size
     */
    default void copy(Storage source, Storage target) {
        ComposedLayout.copy(this, source, target);
    }

    /**
     * Fills {@code target} from a counter-based generator; see {@link RandomDistribution}. (composed: generated on
     * the host by {@code CounterRandom}, the specification, and uploaded)
     *
     * @param target       the storage written; element i depends only on (seed, i)
     * @param distribution the distribution
     * @param seed         the generator's seed
     * @param p1           the distribution's first parameter (see {@link RandomDistribution})
     * @param p2           its second parameter
     */
    default void fillRandom(Storage target, RandomDistribution distribution, long seed, float p1, float p2) {
        ComposedLayout.fillRandom(this, target, distribution, seed, p1, p2);
    }

    // ----- elementwise (ComposedElementwise, ComposedLosses) ------------------------------------------

    /**
     * gx = gy · op'(x) — the backward pass of {@link #unary}. {@code y} is the forward output (some
     * derivatives are cheaper from it: exp, sqrt, sigmoid, tanh, elu). (composed: the derivative written with
     * {@link #unary} and {@link #binary}, one line per op)
     *
     * @param op the forward function
     * @param p1 its first scalar parameter
     * @param p2 its second scalar parameter
     * @param x  the forward input
     * @param y  the forward output
     * @param gy ∂L/∂y
     * @param gx ∂L/∂x, written (x's size)
     */
    default void unaryBackward(UnaryOp op, float p1, float p2, Storage x, Storage y, Storage gy, Storage gx) {
        ComposedElementwise.unaryBackward(this, op, p1, p2, x, y, gy, gx);
    }

    /**
     * Softmax (or log-softmax) over the middle axis of x viewed as (outer, dim, inner). (composed: max, subtract,
     * exp, sum, divide or subtract the log)
     *
     * @param x     the scores, outer·dim·inner floats
     * @param y     the result, x's size
     * @param outer the product of the sizes before the axis
     * @param dim   the size of the axis
     * @param inner the product of the sizes after the axis
     * @param log   log-softmax (true) or softmax (false)
     */
    default void softmax(Storage x, Storage y, int outer, int dim, int inner, boolean log) {
        ComposedLosses.softmax(this, x, y, outer, dim, inner, log);
    }

    /**
     * Backward of {@link #softmax} from its output y: gx = y·(gy − Σ gy·y), or gy − eʸ·Σ gy for log, the sums over
     * the axis. (composed)
     *
     * @param y     the forward output
     * @param gy    ∂L/∂y
     * @param gx    ∂L/∂x, written (y's size)
     * @param outer the product of the sizes before the axis
     * @param dim   the size of the axis
     * @param inner the product of the sizes after the axis
     * @param log   whether the forward pass was log-softmax
     */
    default void softmaxBackward(Storage y, Storage gy, Storage gx, int outer, int dim, int inner, boolean log) {
        ComposedLosses.softmaxBackward(this, y, gy, gx, outer, dim, inner, log);
    }

    /**
     * Per position loss {@code loss[o, i] = −logp[o, target[o, i], i]} with logp viewed as
     * (outer, classes, inner) and target (outer, inner) holding class indices as floats. A target outside
     * [0, classes) is an error naming the position and value. (composed: the targets are read back to the host,
     * checked and turned into a one-hot mask; loss = −Σ_c logp·mask)
     *
     * @param logp    log-probabilities, outer·classes·inner floats
     * @param target  class indices, outer·inner floats
     * @param loss    the per-position loss, outer·inner floats, written
     * @param outer   the batch size N
     * @param classes K
     * @param inner   positions per sample (H·W for images)
     */
    default void nllLoss(Storage logp, Storage target, Storage loss, int outer, int classes, int inner) {
        ComposedLosses.nllLoss(this, logp, target, loss, outer, classes, inner);
    }

    /**
     * gLogp[o, c, i] = −gLoss[o, i] where c = target[o, i], else 0. (composed: −mask·gLoss)
     *
     * @param target  class indices, outer·inner floats
     * @param gLoss   ∂L/∂loss per position, outer·inner floats
     * @param gLogp   ∂L/∂logp, outer·classes·inner floats, written
     * @param outer   the batch size N
     * @param classes K
     * @param inner   positions per sample
     */
    default void nllLossBackward(Storage target, Storage gLoss, Storage gLogp, int outer, int classes, int inner) {
        ComposedLosses.nllLossBackward(this, target, gLoss, gLogp, outer, classes, inner);
    }

    // ----- convolution (ComposedConvolution) -----------------------------------------------------------

    /**
     * y = conv2d(x, w) + bias; {@code bias} may be null. Shapes in {@link ConvGeometry}. (composed: im2col by one
     * {@link #copyStrided} per kernel tap, one {@link #matmul} batched over the groups, a permute, the bias)
     *
     * @param g    the sizes
     * @param x    the input (N, C_in, H, W)
     * @param w    the weight (C_out, C_in/groups, kH, kW)
     * @param bias (C_out), or null
     * @param y    the output (N, C_out, H_out, W_out), written
     */
    default void conv2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y) {
        ComposedConvolution.forward(this, g, x, w, bias, y);
    }

    /**
     * gx = ∂(conv2d)/∂x applied to gy (also the forward pass of a transposed convolution). (composed: Wᵀ·gy, then
     * col2im by one accumulating {@link #copyStrided} per kernel tap)
     *
     * @param g    the sizes
     * @param gy ∂L/∂y (N, C_out, H_out, W_out)
     * @param w  the weight (C_out, C_in/groups, kH, kW)
     * @param gx ∂L/∂x (N, C_in, H, W), written
     */
    default void conv2dBackwardData(ConvGeometry g, Storage gy, Storage w, Storage gx) {
        ComposedConvolution.backwardData(this, g, gy, w, gx);
    }

    /**
     * gw = ∂(conv2d)/∂w applied to gy. (composed: gy·colsᵀ)
     *
     * @param g    the sizes
     * @param x  the forward input (N, C_in, H, W)
     * @param gy ∂L/∂y (N, C_out, H_out, W_out)
     * @param gw ∂L/∂w (C_out, C_in/groups, kH, kW), written
     */
    default void conv2dBackwardWeight(ConvGeometry g, Storage x, Storage gy, Storage gw) {
        ComposedConvolution.backwardWeight(this, g, x, gy, gw);
    }

    /**
     * y = f(conv2d(x, w) + bias) with f = {@code epilogue} applied as the output is written (inference: one pass
     * over y instead of two). This default runs {@link #conv2d} into a temporary and applies f from it; a backend
     * overrides it to apply f inside the kernel.
     *
     * @param g        the sizes
     * @param x        the input (N, C_in, H, W)
     * @param w        the weight (C_out, C_in/groups, kH, kW)
     * @param bias     (C_out), or null
     * @param y        the output (N, C_out, H_out, W_out), written
     * @param epilogue f, or {@link Epilogue#NONE}
     */
    default void conv2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y, Epilogue epilogue) {
        if (epilogue.isNone()) {
            conv2d(g, x, w, bias, y);
            return;
        }
        Storage z = allocate(y.size());
        conv2d(g, x, w, bias, z);
        unary(epilogue.op(), epilogue.p1(), 0f, z, y);
        release(z);
    }

    /**
     * {@link #conv2d(ConvGeometry, Storage, Storage, Storage, Storage, Epilogue)} of the channel concatenation of
     * {@code parts} (part p is (N, partChannels[p], H, W), the counts summing to g.inChannels()): a decoder's
     * convolution over concat(up-sampled, skip) without building the concatenation where the backend can read
     * the parts in place. This default builds it in a temporary with {@link #copyRegion}.
     *
     * @param g            the sizes, of the whole concatenated input
     * @param parts        the inputs, in channel order
     * @param partChannels each part's channels
     * @param w            the weight (C_out, C_in/groups, kH, kW)
     * @param bias         (C_out), or null
     * @param y            the output (N, C_out, H_out, W_out), written
     * @param epilogue     f, or {@link Epilogue#NONE}
     */
    default void conv2d(ConvGeometry g, Storage[] parts, int[] partChannels, Storage w, Storage bias, Storage y,
                        Epilogue epilogue) {
        int[] shape = g.inputShape();
        Storage joined = allocateUninitialized((long) shape[0] * shape[1] * shape[2] * shape[3]);
        for (int p = 0, first = 0; p < parts.length; first += partChannels[p++]) {
            int[] partShape = {shape[0], partChannels[p], shape[2], shape[3]};
            copyRegion(parts[p], partShape, new int[4], joined, shape, new int[] {0, first, 0, 0}, partShape, false);
        }
        conv2d(g, joined, w, bias, y, epilogue);
        release(joined);
    }

    /**
     * The forward pass of a transposed convolution: y = f(∂(conv2d)/∂x applied to x + bias), where {@code g} is
     * the geometry of the convolution it transposes (x has g's output shape, y g's input shape, bias holds
     * g.inChannels() floats or is null). This default composes {@link #conv2dBackwardData}, {@link #binary} and
     * {@link #unary} through temporaries; a backend overrides it to add the bias and apply f as it writes y.
     *
     * @param g        the geometry of the transposed convolution ({@link ConvGeometry#forTranspose})
     * @param x        the input, g's output shape
     * @param w        the weight (C_in, C_out/groups, kH, kW) of the transposed convolution
     * @param bias     g.inChannels() floats, or null
     * @param y        the output, g's input shape, written
     * @param epilogue f, or {@link Epilogue#NONE}
     */
    default void convTranspose2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y, Epilogue epilogue) {
        if (bias == null && epilogue.isNone()) {
            conv2dBackwardData(g, x, w, y);
            return;
        }
        Storage z = allocate(y.size());
        conv2dBackwardData(g, x, w, z);
        if (bias != null) {
            int[] shape = g.inputShape();
            Storage target = epilogue.isNone() ? y : allocate(y.size());
            binary(BinaryOp.ADD, z, shape, bias, new int[] {1, g.inChannels(), 1, 1}, target, shape);
            release(z);
            z = target;
        }
        if (!epilogue.isNone()) {
            unary(epilogue.op(), epilogue.p1(), 0f, z, y);
            release(z);
        }
    }

    // ----- pooling, resampling (ComposedPooling), normalisation (ComposedNormalization) -----------------

    /**
     * y = the maximum of each window. (composed: the windows gathered by {@link #copyStrided}, padding −∞, reduced
     * by max)
     *
     * @param g  the sizes
     * @param x  the input (N, C, H, W)
     * @param y  the output (N, C, H_out, W_out), written
     */
    default void maxPool2d(PoolGeometry g, Storage x, Storage y) {
        ComposedPooling.maxPool(this, g, x, y);
    }

    /**
     * Routes gy to the first maximum of each window (recomputed from x). (composed)
     *
     * @param g  the sizes
     * @param x  the forward input (N, C, H, W)
     * @param gy ∂L/∂y (N, C, H_out, W_out)
     * @param gx ∂L/∂x (N, C, H, W), written
     */
    default void maxPool2dBackward(PoolGeometry g, Storage x, Storage gy, Storage gx) {
        ComposedPooling.maxPoolBackward(this, g, x, gy, gx);
    }

    /**
     * y = the mean of each window (divisor per {@link PoolGeometry#countIncludePad()}). (composed)
     *
     * @param g  the sizes
     * @param x  the input (N, C, H, W)
     * @param y  the output (N, C, H_out, W_out), written
     */
    default void avgPool2d(PoolGeometry g, Storage x, Storage y) {
        ComposedPooling.avgPool(this, g, x, y);
    }

    /**
     * gx = gy / divisor spread over each window. (composed)
     *
     * @param g  the sizes
     * @param gy ∂L/∂y (N, C, H_out, W_out)
     * @param gx ∂L/∂x (N, C, H, W), written
     */
    default void avgPool2dBackward(PoolGeometry g, Storage gy, Storage gx) {
        ComposedPooling.avgPoolBackward(this, g, gy, gx);
    }

    /**
     * x (n, c, h, w) → y (n, c, h·factor, w·factor). (composed: nearest is a broadcast {@link #copyStrided};
     * bilinear is y = A_h · x · A_wᵀ with the interpolation matrices, two {@link #matmul}s)
     *
     * @param mode   nearest or bilinear
     * @param n      the batch size
     * @param c      channels
     * @param h      the input height
     * @param w      the input width
     * @param factor the integer scale, ≥ 1
     * @param x      the input
     * @param y      the output, written
     */
    default void upsample(UpsampleMode mode, int n, int c, int h, int w, int factor, Storage x, Storage y) {
        ComposedPooling.upsample(this, mode, n, c, h, w, factor, x, y);
    }

    /**
     * Backward of {@link #upsample}: gy (n, c, h·factor, w·factor) → gx (n, c, h, w). (composed: a sum, or
     * A_hᵀ · gy · A_w)
     *
     * @param mode   nearest or bilinear
     * @param n      the batch size
     * @param c      channels
     * @param h      the input height
     * @param w      the input width
     * @param factor the integer scale, ≥ 1
     * @param gy     ∂L/∂y
     * @param gx     ∂L/∂x, written
     */
    default void upsampleBackward(UpsampleMode mode, int n, int c, int h, int w, int factor, Storage gy, Storage gx) {
        ComposedPooling.upsampleBackward(this, mode, n, c, h, w, factor, gy, gx);
    }

    /**
     * Per channel of x (n, c, spatial): mean and biased variance (divided by n·spatial). (composed)
     *
     * @param x        the input
     * @param n        the batch size
     * @param c        channels
     * @param spatial  H·W
     * @param mean     c floats, written
     * @param variance c floats, written
     */
    default void batchNormStatistics(Storage x, int n, int c, int spatial, Storage mean, Storage variance) {
        ComposedNormalization.statistics(this, x, n, c, spatial, mean, variance);
    }

    /**
     * y = (x − mean[c]) · invStd[c] · gamma[c] + beta[c]. (composed)
     *
     * @param x       the input (n, c, spatial)
     * @param n       the batch size
     * @param c       channels
     * @param spatial H·W
     * @param mean    c floats
     * @param invStd  c floats, 1/√(σ² + ε)
     * @param gamma   c floats, the scale
     * @param beta    c floats, the shift
     * @param y       the output, x's size, written
     */
    default void batchNormForward(Storage x, int n, int c, int spatial, Storage mean, Storage invStd,
                                  Storage gamma, Storage beta, Storage y) {
        ComposedNormalization.forward(this, x, n, c, spatial, mean, invStd, gamma, beta, y);
    }

    /**
     * Backward of {@link #batchNormForward}. With {@code batchStatistics} the mean and invStd were
     * computed from this batch and the gradient flows through them; otherwise they are constants (eval).
     * gGamma = Σ gy·x̂, gBeta = Σ gy (per channel); any of the three outputs may be null to skip it. (composed)
     *
     * @param x               the forward input (n, c, spatial)
     * @param gy              ∂L/∂y, x's size
     * @param n               the batch size
     * @param c               channels
     * @param spatial         H·W
     * @param mean            c floats, as in the forward pass
     * @param invStd          c floats, as in the forward pass
     * @param gamma           c floats, the scale
     * @param batchStatistics whether mean and invStd came from this batch (training)
     * @param gx              ∂L/∂x, x's size, written, or null
     * @param gGamma          ∂L/∂gamma, c floats, written, or null
     * @param gBeta           ∂L/∂beta, c floats, written, or null
     */
    default void batchNormBackward(Storage x, Storage gy, int n, int c, int spatial, Storage mean, Storage invStd,
                                   Storage gamma, boolean batchStatistics, Storage gx, Storage gGamma, Storage gBeta) {
        ComposedNormalization.backward(this, x, gy, n, c, spatial, mean, invStd, gamma, batchStatistics, gx, gGamma, gBeta);
    }

    // ----- fused optimizer steps (ComposedOptimizers: the tensor ops below, one at a time) -------------

    /**
     * One Adam/AdamW step in place on θ, m and v (all of {@code theta.size()} floats; g is read only).
     * Elementwise, every product and sum rounded to float in this order (that of the composed tensor ops):
     * <pre>
     *   θ ← θ·decay;   g ← g + θ·l2 (only when l2 ≠ 0)
     *   m ← m·β₁ + g·(1−β₁);   v ← v·β₂ + (g·g)·(1−β₂)
     *   θ ← θ − ((m·correction1) / (√(v·correction2) + ε))·lr
     * </pre>
     *
     * @param theta θ, updated
     * @param grad  g, read only
     * @param m     the first moment, updated
     * @param v     the second moment, updated
     * @param step  the coefficients
     */
    default void adamUpdate(Storage theta, Storage grad, Storage m, Storage v, AdamStep step) {
        ComposedOptimizers.adam(this, theta, grad, m, v, step);
    }

    /**
     * One SGD step in place on θ and the momentum buffer (g is read only), rounded as the composed ops:
     * <pre>
     *   g ← g + θ·weightDecay (only when weightDecay ≠ 0)
     *   with momentum: b ← g (first step) or b·momentum + g·(1−dampening);  d ← g + b·momentum (Nesterov) or b
     *   without:       d ← g   (the buffer is untouched and may be null)
     *   θ ← θ − d·lr
     * </pre>
     *
     * @param theta  θ, updated
     * @param grad   g, read only
     * @param buffer the momentum buffer b, updated; may be null without momentum
     * @param step   the coefficients
     */
    default void sgdUpdate(Storage theta, Storage grad, Storage buffer, SgdStep step) {
        ComposedOptimizers.sgd(this, theta, grad, buffer, step);
    }

    // ----- layout (ComposedLayout) -------------------------------------------------------------------

    /**
     * y = x with axes permuted: y's axis d is x's axis {@code perm[d]}. (composed: one {@link #copyStrided})
     *
     * @param x      the input
     * @param xShape x's shape
     * @param perm   a permutation of 0 … rank−1
     * @param y      the output, written
     */
    default void permute(Storage x, int[] xShape, int[] perm, Storage y) {
        ComposedLayout.permute(this, x, xShape, perm, y);
    }

    /**
     * Copies the box {@code region} from src (starting at {@code srcStart}) into dst (at {@code dstStart});
     * all arrays have the tensors' rank. With {@code accumulate} the box is added into dst.
     * Slicing, cropping, padding, concatenation and splitting are all this one op. (composed: one {@link #copyStrided})
     *
     * @param src        the source storage
     * @param srcShape   src's shape
     * @param srcStart   the box's corner in src
     * @param dst        the target storage, not src
     * @param dstShape   dst's shape
     * @param dstStart   the box's corner in dst
     * @param region     the box's size per axis
     * @param accumulate add into dst (true) or overwrite it (false)
     */
    default void copyRegion(Storage src, int[] srcShape, int[] srcStart, Storage dst, int[] dstShape, int[] dstStart,
                            int[] region, boolean accumulate) {
        ComposedLayout.copyRegion(this, src, srcShape, srcStart, dst, dstShape, dstStart, region, accumulate);
    }

    // ----- detection: regions of interest and indexing (ComposedRoiAlign, ComposedIndexing) ----------------

    /**
     * y = RoIAlign of x over the regions; the formula is in {@link RoiAlignGeometry}. (default: a round trip to
     * the host running {@code RoiAlignLoops}; reads x and the regions back. OpenCL and CUDA: one work-item per
     * element of y)
     *
     * @param g    the sizes
     * @param x    the feature map (N, C, H, W)
     * @param rois the regions (R, 5): batch index, x1, y1, x2, y2
     * @param y    the output (R, C, outH, outW), written
     */
    default void roiAlign(RoiAlignGeometry g, Storage x, Storage rois, Storage y) {
        ComposedRoiAlign.forward(this, g, x, rois, y);
    }

    /**
     * gx = ∂(roiAlign)/∂x applied to gy: each output's gradient shared among the four neighbours of each of its
     * samples with the bilinear weights:
     * <pre>
     *   gx[b, c, yy, xx] = Σ_{r: batch(r) = b} Σ_{ph, pw} Σ_{samples s of bin (ph, pw)} w_s(yy, xx) · gy[r, c, ph, pw] / count_r
     * </pre>
     * with w_s the bilinear weight sample s gives neighbour (yy, xx) and count_r = max(1, gridH·gridW).
     * (default: a round trip to the host. OpenCL and CUDA: zero-fill, then one work-item per element of gy adding
     * its shares with float atomic adds: the sums' order, and so their last bits, vary from run to run)
     *
     * @param g    the sizes
     * @param rois the regions (R, 5)
     * @param gy   ∂L/∂y (R, C, outH, outW)
     * @param gx   ∂L/∂x (N, C, H, W), written
     */
    default void roiAlignBackward(RoiAlignGeometry g, Storage rois, Storage gy, Storage gx) {
        ComposedRoiAlign.backward(this, g, rois, gy, gx);
    }

    /**
     * The suppression bitmask of greedy non-maximum suppression (torchvision's CUDA {@code nms} does the same), for
     * n boxes already sorted by descending score: row i holds {@code words = ⌈n / 64⌉} 64-bit words, and bit
     * (j mod 64) of {@code mask[i·words + j/64]} is set iff
     * <pre>
     *   j &gt; i  and  class[j] = class[i]  and  IoU(box i, box j) &gt; iouThreshold
     * </pre>
     * with IoU computed in float exactly as {@code NmsLoops.iou} computes it (a NaN IoU sets no bit). The greedy scan
     * over the rows ({@code NmsLoops.greedyScan}) then runs on the host. (default: a round trip to the host running
     * {@code NmsLoops.suppressionMask}; reads the boxes and classes back)
     *
     * @param boxes        (n, 4) = x1, y1, x2, y2, highest score first
     * @param classes      n class labels as whole-number floats (exact: below 2²⁴), or null for one class
     * @param n            the number of boxes, ≥ 1
     * @param iouThreshold the IoU above which box i suppresses a later box j
     * @return the mask, n·⌈n / 64⌉ words, row-major, on the host
     */
    default long[] nmsMask(Storage boxes, Storage classes, int n, float iouThreshold) {
        return ComposedNms.mask(this, boxes, classes, n, iouThreshold);
    }

    /**
     * y[o, j, i] = x[o, index[j], i] with x viewed as (outer, n, inner) (ONNX {@code Gather}, torch
     * {@code index_select}). (composed: one {@link #copyStrided} per index; reads the k indices back)
     *
     * @param x       the input, outer·n·inner floats
     * @param outer   the product of the sizes before the axis
     * @param n       the axis' size
     * @param inner   the product of the sizes after the axis
     * @param indices k floats holding whole numbers in [0, n) (checked by the caller); repeats allowed
     * @param k       the number of indices
     * @param y       the output, outer·k·inner floats, written
     */
    default void gather(Storage x, int outer, int n, int inner, Storage indices, int k, Storage y) {
        ComposedIndexing.gather(this, x, outer, n, inner, indices, k, y);
    }

    /**
     * gx[o, index[j], i] += g[o, j, i] for every j, repeated indices adding up: the adjoint of {@link #gather}
     * (torch {@code index_add_}). Accumulates into gx. (composed: one accumulating {@link #copyStrided} per index)
     *
     * @param g       the values added, outer·k·inner floats
     * @param outer   the product of the sizes before the axis
     * @param k       the number of indices
     * @param inner   the product of the sizes after the axis
     * @param indices k floats holding whole numbers in [0, n)
     * @param n       the axis' size in gx
     * @param gx      the target, outer·n·inner floats, accumulated into
     */
    default void scatterAdd(Storage g, int outer, int k, int inner, Storage indices, int n, Storage gx) {
        ComposedIndexing.scatterAdd(this, g, outer, k, inner, indices, n, gx);
    }
}
