package dev.nucleon.core;

/**
 * The coarse operations a device must provide for tensors to live on it. The CPU backend is the reference;
 * a GPU backend implements the same list and passes the same conformance suite.
 *
 * <p>Conventions. Every {@link Storage} argument belongs to this backend and holds contiguous row-major
 * data of the stated shape. Output arguments are overwritten (never accumulated into) unless the method
 * says otherwise, and must not alias inputs. Shapes are checked by the caller (the ops in
 * {@code dev.nucleon.core.ops}); a backend may assume them consistent.
 */
public interface Backend {

    /** Short name, e.g. {@code "cpu"}, {@code "cuda"}. */
    String name();

    Device device();

    /** One line for {@code nucleon info}. */
    BackendStatus status();

    // ----- memory -------------------------------------------------------------------------------

    /** A new zero-filled storage of {@code size} floats. */
    Storage allocate(long size);

    /**
     * Storage of {@code size} floats whose contents are unspecified, for an op that writes every element
     * (outputs are overwritten, see the conventions above). The default is {@link #allocate} (zeros).
     */
    default Storage allocateUninitialized(long size) {
        return allocate(size);
    }

    /**
     * Hands back storage whose contents nobody will read again, so that a later allocation of the same size may
     * reuse its memory; any later use of it is an error (the CPU backend throws). Tensors that share it, views
     * made by {@code reshape}, are released with it. The default does nothing: the memory is reclaimed when the
     * storage becomes unreachable.
     */
    default void release(Storage storage) {
    }

    /** A new storage holding a copy of {@code data[offset .. offset + length)}. */
    Storage upload(float[] data, int offset, int length);

    /** Copies {@code length} floats starting at {@code sourceOffset} into {@code target[targetOffset ..]}. */
    void download(Storage source, long sourceOffset, float[] target, int targetOffset, int length);

    void fill(Storage target, float value);

    /** {@code target[0 .. source.size())} = source. */
    void copy(Storage source, Storage target);

    /** Fills {@code target} from a counter-based generator; see {@link RandomDistribution}. */
    void fillRandom(Storage target, RandomDistribution distribution, long seed, float p1, float p2);

    // ----- elementwise --------------------------------------------------------------------------

    /** y = op(x; p1, p2), same size. */
    void unary(UnaryOp op, float p1, float p2, Storage x, Storage y);

    /**
     * gx = gy · op'(x) — the backward pass of {@link #unary}. {@code y} is the forward output (some
     * derivatives are cheaper from it: exp, sqrt, sigmoid, tanh, elu).
     */
    void unaryBackward(UnaryOp op, float p1, float p2, Storage x, Storage y, Storage gy, Storage gx);

    /**
     * out = op(a, b) with NumPy broadcasting: the three shapes have the same rank (the caller pads with
     * leading 1s) and each of {@code aShape[d]}, {@code bShape[d]} equals {@code outShape[d]} or 1.
     */
    void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape);

    /**
     * Reduces {@code x} to {@code outShape}: same rank, each {@code outShape[d]} equals {@code xShape[d]}
     * (kept) or 1 (reduced over).
     */
    void reduce(ReduceOp op, Storage x, int[] xShape, Storage out, int[] outShape);

    /**
     * Softmax (or log-softmax) over the middle axis of x viewed as (outer, dim, inner).
     */
    void softmax(Storage x, Storage y, int outer, int dim, int inner, boolean log);

    /** Backward of {@link #softmax} from its output y: gx = y·(gy − Σ gy·y), or gy − eʸ·Σ gy for log. */
    void softmaxBackward(Storage y, Storage gy, Storage gx, int outer, int dim, int inner, boolean log);

    /**
     * Per position loss {@code loss[o, i] = −logp[o, target[o, i], i]} with logp viewed as
     * (outer, classes, inner) and target (outer, inner) holding class indices as floats. A target outside
     * [0, classes) is an error naming the position and value.
     */
    void nllLoss(Storage logp, Storage target, Storage loss, int outer, int classes, int inner);

    /** gLogp[o, c, i] = −gLoss[o, i] where c = target[o, i], else 0. */
    void nllLossBackward(Storage target, Storage gLoss, Storage gLogp, int outer, int classes, int inner);

    // ----- linear algebra and convolution ------------------------------------------------------------

    /**
     * Batched matrix product c[i] = op(a[i]) · op(b[i]) for i in [0, batch); c[i] is m×n, op(a[i]) m×k,
     * op(b[i]) k×n. A batch stride of 0 broadcasts one matrix to the whole batch. {@code transA}: a[i] is
     * stored k×m; {@code transB}: b[i] is stored n×k.
     */
    void matmul(Storage a, long aBatchStride, boolean transA, Storage b, long bBatchStride, boolean transB,
                Storage c, int batch, int m, int n, int k);

    /** y = conv2d(x, w) + bias; {@code bias} may be null. Shapes in {@link ConvGeometry}. */
    void conv2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y);

    /** gx = ∂(conv2d)/∂x applied to gy (also the forward pass of a transposed convolution). */
    void conv2dBackwardData(ConvGeometry g, Storage gy, Storage w, Storage gx);

    /** gw = ∂(conv2d)/∂w applied to gy. */
    void conv2dBackwardWeight(ConvGeometry g, Storage x, Storage gy, Storage gw);

    /**
     * y = f(conv2d(x, w) + bias) with f = {@code epilogue} applied as the output is written (inference: one pass
     * over y instead of two). This default runs {@link #conv2d} into a temporary and applies f from it; a backend
     * overrides it to apply f inside the kernel.
     */
    default void conv2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y, Epilogue epilogue) {
        if (epilogue.isNone()) {
            conv2d(g, x, w, bias, y);
            return;
        }
        Storage z = allocate(y.size());
        conv2d(g, x, w, bias, z);
        unary(epilogue.op(), epilogue.p1(), 0f, z, y);
    }

    /**
     * {@link #conv2d(ConvGeometry, Storage, Storage, Storage, Storage, Epilogue)} of the channel concatenation of
     * {@code parts} (part p is (N, partChannels[p], H, W), the counts summing to g.inChannels()): a decoder's
     * convolution over concat(up-sampled, skip) without building the concatenation where the backend can read
     * the parts in place. This default builds it in a temporary with {@link #copyRegion}.
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
            z = target;
        }
        if (!epilogue.isNone()) {
            unary(epilogue.op(), epilogue.p1(), 0f, z, y);
        }
    }

    // ----- pooling, resampling, normalisation ---------------------------------------------------------

    void maxPool2d(PoolGeometry g, Storage x, Storage y);

    /** Routes gy to the first maximum of each window (recomputed from x). */
    void maxPool2dBackward(PoolGeometry g, Storage x, Storage gy, Storage gx);

    void avgPool2d(PoolGeometry g, Storage x, Storage y);

    void avgPool2dBackward(PoolGeometry g, Storage gy, Storage gx);

    /** x (n, c, h, w) → y (n, c, h·factor, w·factor). */
    void upsample(UpsampleMode mode, int n, int c, int h, int w, int factor, Storage x, Storage y);

    /** Backward of {@link #upsample}: gy (n, c, h·factor, w·factor) → gx (n, c, h, w). */
    void upsampleBackward(UpsampleMode mode, int n, int c, int h, int w, int factor, Storage gy, Storage gx);

    /** Per channel of x (n, c, spatial): mean and biased variance (divided by n·spatial). */
    void batchNormStatistics(Storage x, int n, int c, int spatial, Storage mean, Storage variance);

    /** y = (x − mean[c]) · invStd[c] · gamma[c] + beta[c]. */
    void batchNormForward(Storage x, int n, int c, int spatial, Storage mean, Storage invStd,
                          Storage gamma, Storage beta, Storage y);

    /**
     * Backward of {@link #batchNormForward}. With {@code batchStatistics} the mean and invStd were
     * computed from this batch and the gradient flows through them; otherwise they are constants (eval).
     * gGamma = Σ gy·x̂, gBeta = Σ gy (per channel); any of the three outputs may be null to skip it.
     */
    void batchNormBackward(Storage x, Storage gy, int n, int c, int spatial, Storage mean, Storage invStd,
                           Storage gamma, boolean batchStatistics, Storage gx, Storage gGamma, Storage gBeta);

    // ----- fused optimizer steps ----------------------------------------------------------------------

    /**
     * One Adam/AdamW step in place on θ, m and v (all of {@code theta.size()} floats; g is read only).
     * Elementwise, every product and sum rounded to float in this order (that of the composed tensor ops):
     * <pre>
     *   θ ← θ·decay;   g ← g + θ·l2 (only when l2 ≠ 0)
     *   m ← m·β₁ + g·(1−β₁);   v ← v·β₂ + (g·g)·(1−β₂)
     *   θ ← θ − ((m·correction1) / (√(v·correction2) + ε))·lr
     * </pre>
     */
    void adamUpdate(Storage theta, Storage grad, Storage m, Storage v, AdamStep step);

    /**
     * One SGD step in place on θ and the momentum buffer (g is read only), rounded as the composed ops:
     * <pre>
     *   g ← g + θ·weightDecay (only when weightDecay ≠ 0)
     *   with momentum: b ← g (first step) or b·momentum + g·(1−dampening);  d ← g + b·momentum (Nesterov) or b
     *   without:       d ← g   (the buffer is untouched and may be null)
     *   θ ← θ − d·lr
     * </pre>
     */
    void sgdUpdate(Storage theta, Storage grad, Storage buffer, SgdStep step);

    // ----- layout ---------------------------------------------------------------------------------

    /** y = x with axes permuted: y's axis d is x's axis {@code perm[d]}. */
    void permute(Storage x, int[] xShape, int[] perm, Storage y);

    /**
     * Copies the box {@code region} from src (starting at {@code srcStart}) into dst (at {@code dstStart});
     * all arrays have the tensors' rank. With {@code accumulate} the box is added into dst.
     * Slicing, cropping, padding, concatenation and splitting are all this one op.
     */
    void copyRegion(Storage src, int[] srcShape, int[] srcStart, Storage dst, int[] dstShape, int[] dstStart,
                    int[] region, boolean accumulate);
}
