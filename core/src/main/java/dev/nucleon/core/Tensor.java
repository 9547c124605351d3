package dev.nucleon.core;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.core.backend.RandomDistribution;
import dev.nucleon.core.cpu.CpuBackend;
import dev.nucleon.core.ops.Arithmetic;
import dev.nucleon.core.ops.LinearAlgebra;
import dev.nucleon.core.ops.Reductions;
import dev.nucleon.core.ops.Shaping;
import dev.nucleon.core.ops.Softmax;

import java.util.Arrays;
import java.util.List;

/**
 * A float32 n-dimensional array with reverse-mode autograd.
 *
 * <p>Data is contiguous and row-major (NCHW for images) in a {@link Storage} owned by one {@link Backend};
 * a tensor never strides into another's memory except through {@link #reshape}, which is a view. Every op
 * returns a new tensor; in-place changes are limited to {@link #assign} (for optimisers and running
 * statistics) and gradient bookkeeping.
 *
 * <p>Autograd: a tensor created with {@link #requiresGrad(boolean) requiresGrad(true)} is a leaf; ops on it
 * record how to differentiate themselves, and {@link #backward()} fills {@link #grad()} of every leaf.
 * Recording is off inside {@code try (var s = Autograd.noGrad()) { … }}.
 *
 * <p>Ops live in {@code dev.nucleon.core.ops} (one class per family, like {@code torch.nn.functional});
 * the instance methods here are shortcuts to the common ones.
 */
public final class Tensor {

    private final int[] shape;
    private final Storage storage;
    private boolean requiresGrad;
    private Tensor grad;
    private GradNode gradNode;

    private Tensor(Storage storage, int[] shape) {
        this.storage = storage;
        this.shape = shape;
    }

    // ----- creation ---------------------------------------------------------------------------------------

    /**
     * Wraps a backend's storage (no copy) as a tensor of this shape.
     *
     * @param storage the backend storage, holding exactly numel(shape) floats
     * @param shape   the sizes, each ≥ 1 (none: a scalar)
     * @return the tensor, sharing the storage
     * @throws IllegalArgumentException when the storage's size differs from the shape's element count
     */
    public static Tensor fromStorage(Storage storage, int... shape) {
        int[] s = Shape.validate("tensor", shape);
        if (storage.size() != Shape.numel(s)) {
            throw new IllegalArgumentException("tensor: storage holds " + storage.size() + " floats, shape "
                    + Shape.str(s) + " needs " + Shape.numel(s));
        }
        return new Tensor(storage, s);
    }

    /**
     * {@return a zero-filled tensor on {@code backend}}
     *
     * @param backend where the storage is allocated
     * @param shape   the sizes, each ≥ 1
     */
    public static Tensor zeros(Backend backend, int... shape) {
        int[] s = Shape.validate("zeros", shape);
        return new Tensor(backend.allocate(Shape.numel(s)), s);
    }

    /**
     * A tensor on {@code backend} whose contents are unspecified (on the CPU, possibly a reused array's old values):
     * for an op's output that the op overwrites entirely, like {@code torch.empty}.
     *
     * @param backend where the storage is allocated
     * @param shape   the sizes, each ≥ 1
     * @return the tensor; write every element before reading any
     */
    public static Tensor empty(Backend backend, int... shape) {
        int[] s = Shape.validate("empty", shape);
        return new Tensor(backend.allocateUninitialized(Shape.numel(s)), s);
    }

    /**
     * {@return a CPU tensor holding a copy of {@code data}, whose length must equal the shape's element count}
     *
     * @param data  the values, row-major (copied)
     * @param shape the sizes, each ≥ 1
     */
    public static Tensor of(float[] data, int... shape) {
        int[] s = Shape.validate("tensor", shape);
        if (data.length != Shape.numel(s)) {
            throw new IllegalArgumentException("tensor: " + data.length + " values given for shape " + Shape.str(s)
                    + " (" + Shape.numel(s) + " elements)");
        }
        return new Tensor(CpuBackend.INSTANCE.upload(data, 0, data.length), s);
    }

    /**
     * {@return a 1-D CPU tensor of these values}
     *
     * @param data the values (copied)
     */
    public static Tensor of(float... data) {
        return of(data, data.length);
    }

    /**
     * {@return a rank-0 (scalar) CPU tensor}
     *
     * @param value the value
     */
    public static Tensor scalar(float value) {
        return of(new float[] {value}, new int[0]);
    }

    /**
     * {@return a zero-filled CPU tensor}
     *
     * @param shape the sizes, each ≥ 1
     */
    public static Tensor zeros(int... shape) {
        return zeros(CpuBackend.INSTANCE, shape);
    }

    /**
     * {@return a CPU tensor of ones}
     *
     * @param shape the sizes, each ≥ 1
     */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /**
     * {@return a CPU tensor with every element {@code value}}
     *
     * @param value the fill value
     * @param shape the sizes, each ≥ 1
     */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        t.backend().fill(t.storage, value);
        return t;
    }

    /**
     * {@return {@code [0, 1, …, n − 1]}}
     *
     * @param n the count, ≥ 1
     */
    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /**
     * {@return {@code start, start + step, …} while below {@code end} (above, for a negative step)}
     *
     * @param start the first value
     * @param end   the bound, excluded
     * @param step  the increment, non-zero
     */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || Float.isNaN(start) || Float.isNaN(end) || Float.isNaN(step)) {
            throw new IllegalArgumentException("arange: step must be non-zero and bounds finite, got start=" + start
                    + " end=" + end + " step=" + step);
        }
        int n = (int) Math.max(0, Math.ceil((end - start) / (double) step));
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (start + (double) i * step);
        }
        return of(v, n);
    }

    /**
     * {@return uniform on [low, high), reproducible from {@code seed} on every backend and thread count}
     *
     * @param seed  the seed; the same seed gives the same values
     * @param low   the lower bound, included
     * @param high  the upper bound, excluded
     * @param shape the sizes, each ≥ 1
     */
    public static Tensor uniform(long seed, float low, float high, int... shape) {
        if (!(high > low)) {
            throw new IllegalArgumentException("uniform: need low < high, got [" + low + ", " + high + ")");
        }
        Tensor t = zeros(shape);
        t.backend().fillRandom(t.storage, RandomDistribution.UNIFORM, seed, low, high);
        return t;
    }

    /**
     * {@return normal(mean, std), reproducible from {@code seed}}
     *
     * @param seed  the seed; the same seed gives the same values
     * @param mean  the mean
     * @param std   the standard deviation, ≥ 0
     * @param shape the sizes, each ≥ 1
     */
    public static Tensor normal(long seed, float mean, float std, int... shape) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("normal: std must be >= 0, got " + std);
        }
        Tensor t = zeros(shape);
        t.backend().fillRandom(t.storage, RandomDistribution.NORMAL, seed, mean, std);
        return t;
    }

    /**
     * Zeros of this tensor's shape, on its backend.
     *
     * @return a new tensor
     */
    public Tensor zerosLike() {
        return zeros(backend(), shape);
    }

    /**
     * {@return a tensor of this shape filled with {@code value}, on this tensor's backend}
     *
     * @param value the fill value
     */
    public Tensor fullLike(float value) {
        Tensor t = zerosLike();
        if (value != 0f) {
            backend().fill(t.storage, value);
        }
        return t;
    }

    // ----- metadata and data ------------------------------------------------------------------------------

    /** {@return a copy of the shape} */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * {@return size of one axis; negative counts from the end}
     *
     * @param axis 0 ≤ axis &lt; rank, or −rank ≤ axis &lt; 0 counting from the end
     */
    public int size(int axis) {
        return shape[Shape.axis("size", axis, shape.length)];
    }

    /** {@return the number of axes (0 for a scalar)} */
    public int rank() {
        return shape.length;
    }

    /** {@return the number of elements, the product of the sizes} */
    public long numel() {
        return Shape.numel(shape);
    }

    /** {@return the backing storage (shared with views and detached copies)} */
    public Storage storage() {
        return storage;
    }

    /**
     * Declares that nobody will read this tensor's data again and hands its storage back to the backend for
     * reuse ({@link Backend#release}); views sharing the storage go with it, and using any of them afterwards
     * is an error. For inference code that knows an activation's last reader has run; autograd's tensors can't
     * be released.
     *
     * @throws IllegalStateException if the tensor requires a gradient or was recorded for backward
     */
    public void release() {
        if (requiresGrad || gradNode != null) {
            throw new IllegalStateException("release: autograd may still read this tensor " + Shape.str(shape)
                    + " (it requires a gradient or was recorded for backward)");
        }
        backend().release(storage);
    }

    /** {@return the backend that holds this tensor's storage and runs its ops} */
    public Backend backend() {
        return storage.backend();
    }

    /** {@return the device this tensor lives on} */
    public Device device() {
        return backend().device();
    }

    /** {@return all values, copied to a new array in row-major order} */
    public float[] toArray() {
        float[] out = new float[Math.toIntExact(numel())];
        backend().download(storage, 0, out, 0, out.length);
        return out;
    }

    /** {@return the value of a one-element tensor} */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item: tensor has shape " + Shape.str(shape) + "; only one-element tensors"
                    + " convert to a number");
        }
        float[] v = new float[1];
        backend().download(storage, 0, v, 0, 1);
        return v[0];
    }

    /**
     * {@return one element, by full index}
     *
     * @param index one index per axis, each in range
     */
    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: " + index.length + " indices for a tensor of rank " + shape.length);
        }
        long offset = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("get: index " + Arrays.toString(index) + " out of bounds for shape "
                        + Shape.str(shape));
            }
            offset = offset * shape[d] + index[d];
        }
        float[] v = new float[1];
        backend().download(storage, offset, v, 0, 1);
        return v[0];
    }

    /**
     * {@return this tensor on {@code device} (itself when already there). The copy keeps autograd history}
     *
     * @param device the target device
     */
    public Tensor to(Device device) {
        if (device.equals(device())) {
            return this;
        }
        Backend target = Backends.get(device);
        Tensor out = new Tensor(target.upload(toArray(), 0, Math.toIntExact(numel())), shape.clone());
        return Autograd.record(out, new Op.ToDevice(device), this);
    }

    // ----- autograd ---------------------------------------------------------------------------------------

    /** {@return whether gradients flow to this tensor (a parameter, or the output of an op on one)} */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf tensor as a parameter whose gradient {@link #backward()} computes. Returns {@code this}.
     *
     * @param value true to compute this leaf's gradient
     * @return this tensor
     * @throws IllegalStateException when turning it off on an op's output
     */
    public Tensor requiresGrad(boolean value) {
        if (gradNode != null && !value) {
            throw new IllegalStateException("requiresGrad: tensor is the output of '" + gradNode.op()
                    + "'; use detach() to cut it from the graph");
        }
        this.requiresGrad = value;
        return this;
    }

    /** {@return the accumulated gradient, or null before any backward pass reached this leaf} */
    public Tensor grad() {
        return grad;
    }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /** {@return the op that produced this tensor, or null for a leaf / untracked tensor} */
    public GradNode gradNode() {
        return gradNode;
    }

    /** Backpropagates from this scalar. */
    public void backward() {
        Autograd.backward(this, null);
    }

    /**
     * Backpropagates with {@code seed} = ∂L/∂this (same shape).
     *
     * @param seed the upstream gradient, this tensor's shape
     */
    public void backward(Tensor seed) {
        Autograd.backward(this, seed);
    }

    /** {@return the same storage without autograd history; changes to one show in the other} */
    public Tensor detach() {
        return new Tensor(storage, shape);
    }

    /** {@return a deep copy without history} */
    public Tensor copy() {
        Tensor t = zeros(backend(), shape);
        backend().copy(storage, t.storage);
        return t;
    }

    /**
     * Overwrites this tensor's values with {@code source}'s (same shape; copied across devices if needed).
     * Not recorded by autograd: for optimiser updates and running statistics.
     *
     * @param source the new values, this tensor's shape
     * @return this tensor
     * @throws IllegalArgumentException when the shapes differ
     */
    public Tensor assign(Tensor source) {
        if (!Arrays.equals(source.shape, shape)) {
            throw new IllegalArgumentException("assign: source shape " + Shape.str(source.shape)
                    + " differs from target shape " + Shape.str(shape));
        }
        Tensor s = source.device().equals(device()) ? source : source.to(device());
        backend().copy(s.storage, storage);
        return this;
    }

    void attach(GradNode node) {
        this.gradNode = node;
        this.requiresGrad = true;
    }

    void accumulateGrad(Tensor g) {
        grad = grad == null ? g.detach().copy() : grad.add(g).detach();
    }

    // ----- shortcuts to the ops ---------------------------------------------------------------------------

    /**
     * {@return this + other, elementwise with broadcasting}
     *
     * @param other a tensor whose shape broadcasts with this one (NumPy rules)
     */
    public Tensor add(Tensor other) {
        return Arithmetic.add(this, other);
    }

    /**
     * {@return this − other, elementwise with broadcasting}
     *
     * @param other a tensor whose shape broadcasts with this one (NumPy rules)
     */
    public Tensor sub(Tensor other) {
        return Arithmetic.sub(this, other);
    }

    /**
     * {@return this · other, elementwise with broadcasting}
     *
     * @param other a tensor whose shape broadcasts with this one (NumPy rules)
     */
    public Tensor mul(Tensor other) {
        return Arithmetic.mul(this, other);
    }

    /**
     * {@return this / other, elementwise with broadcasting}
     *
     * @param other a tensor whose shape broadcasts with this one (NumPy rules)
     */
    public Tensor div(Tensor other) {
        return Arithmetic.div(this, other);
    }

    /**
     * {@return this + s}
     *
     * @param s a scalar
     */
    public Tensor add(float s) {
        return Arithmetic.unary(UnaryOp.ADD_SCALAR, s, 0, this);
    }

    /**
     * {@return this − s}
     *
     * @param s a scalar
     */
    public Tensor sub(float s) {
        return Arithmetic.unary(UnaryOp.ADD_SCALAR, -s, 0, this);
    }

    /**
     * {@return this · s}
     *
     * @param s a scalar
     */
    public Tensor mul(float s) {
        return Arithmetic.unary(UnaryOp.MUL_SCALAR, s, 0, this);
    }

    /**
     * {@return this · (1 / s)}
     *
     * @param s a non-zero scalar
     */
    public Tensor div(float s) {
        return Arithmetic.unary(UnaryOp.MUL_SCALAR, 1f / s, 0, this);
    }

    /** {@return −this} */
    public Tensor neg() {
        return Arithmetic.unary(UnaryOp.NEG, 0, 0, this);
    }

    /** {@return eˣ, elementwise} */
    public Tensor exp() {
        return Arithmetic.unary(UnaryOp.EXP, 0, 0, this);
    }

    /** {@return the natural logarithm, elementwise (−∞ at 0, NaN below)} */
    public Tensor log() {
        return Arithmetic.unary(UnaryOp.LOG, 0, 0, this);
    }

    /** {@return √x, elementwise (NaN below 0)} */
    public Tensor sqrt() {
        return Arithmetic.unary(UnaryOp.SQRT, 0, 0, this);
    }

    /** {@return |x|, elementwise} */
    public Tensor abs() {
        return Arithmetic.unary(UnaryOp.ABS, 0, 0, this);
    }

    /**
     * {@return xᵖ, elementwise}
     *
     * @param exponent p
     */
    public Tensor pow(float exponent) {
        return Arithmetic.unary(UnaryOp.POW, exponent, 0, this);
    }

    /**
     * {@return x limited to [min, max], elementwise (the gradient is 0 where clamped)}
     *
     * @param min the lower bound
     * @param max the upper bound, ≥ min
     * @throws IllegalArgumentException when min &gt; max
     */
    public Tensor clamp(float min, float max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " > max " + max);
        }
        return Arithmetic.unary(UnaryOp.CLAMP, min, max, this);
    }

    /** {@return max(x, 0), elementwise} */
    public Tensor relu() {
        return Arithmetic.unary(UnaryOp.RELU, 0, 0, this);
    }

    /**
     * {@return x for x &gt; 0, alpha·(eˣ − 1) otherwise}
     *
     * @param alpha the negative saturation
     */
    public Tensor elu(float alpha) {
        return Arithmetic.unary(UnaryOp.ELU, alpha, 0, this);
    }

    /**
     * {@return x for x ≥ 0, negativeSlope·x otherwise}
     *
     * @param negativeSlope the factor on negative inputs
     */
    public Tensor leakyRelu(float negativeSlope) {
        return Arithmetic.unary(UnaryOp.LEAKY_RELU, negativeSlope, 0, this);
    }

    /** {@return 1 / (1 + e⁻ˣ), elementwise} */
    public Tensor sigmoid() {
        return Arithmetic.unary(UnaryOp.SIGMOID, 0, 0, this);
    }

    /**
     * {@return op(x; p1, p2), elementwise: any row of the {@link UnaryOp} table, e.g. {@code x.unary(UnaryOp.ELU, 1f, 0f)}}
     *
     * @param op the function
     * @param p1 its first parameter (see the op's row), ignored by ops without one
     * @param p2 its second parameter, ignored by ops without one
     */
    public Tensor unary(UnaryOp op, float p1, float p2) {
        return Arithmetic.unary(op, p1, p2, this);
    }

    /** {@return tanh x, elementwise} */
    public Tensor tanh() {
        return Arithmetic.unary(UnaryOp.TANH, 0, 0, this);
    }

    /**
     * {@return e^(xᵢ) / Σⱼ e^(xⱼ) along {@code dim}, same shape}
     *
     * @param dim the axis (negative counts from the end)
     */
    public Tensor softmax(int dim) {
        return Softmax.softmax(this, dim);
    }

    /**
     * {@return log softmax along {@code dim}, computed stably, same shape}
     *
     * @param dim the axis (negative counts from the end)
     */
    public Tensor logSoftmax(int dim) {
        return Softmax.logSoftmax(this, dim);
    }

    /** {@return sum of all elements (rank 0)} */
    public Tensor sum() {
        return Reductions.sum(this);
    }

    /**
     * {@return the sum over the given axes}
     *
     * @param dims    the axes to reduce
     * @param keepDim keep them as size-1 axes
     */
    public Tensor sum(int[] dims, boolean keepDim) {
        return Reductions.sum(this, dims, keepDim);
    }

    /** {@return the mean of all elements, rank 0} */
    public Tensor mean() {
        return Reductions.mean(this);
    }

    /**
     * {@return the mean over the given axes}
     *
     * @param dims    the axes to reduce
     * @param keepDim keep them as size-1 axes
     */
    public Tensor mean(int[] dims, boolean keepDim) {
        return Reductions.mean(this, dims, keepDim);
    }

    /** {@return the largest element, rank 0} */
    public Tensor max() {
        return Reductions.max(this);
    }

    /**
     * {@return the maximum over the given axes}
     *
     * @param dims    the axes to reduce
     * @param keepDim keep them as size-1 axes
     */
    public Tensor max(int[] dims, boolean keepDim) {
        return Reductions.max(this, dims, keepDim);
    }

    /**
     * {@return the matrix product over the last two axes, leading axes broadcast}
     *
     * @param other (…, K, N) when this is (…, M, K)
     */
    public Tensor matmul(Tensor other) {
        return LinearAlgebra.matmul(this, other);
    }

    /**
     * {@return a view with a new shape of the same element count; one size may be -1 (inferred)}
     *
     * @param newShape the sizes; their product equals numel (one may be −1)
     */
    public Tensor reshape(int... newShape) {
        return Shaping.reshape(this, newShape);
    }

    /**
     * {@return a copy with the axes reordered: axis i of the result is axis perm[i] of this}
     *
     * @param perm a permutation of 0 … rank − 1
     */
    public Tensor permute(int... perm) {
        return Shaping.permute(this, perm);
    }

    /**
     * {@return elements {@code start .. end-1} along {@code dim} (a copy)}
     *
     * @param dim   the axis
     * @param start the first index kept, 0 ≤ start
     * @param end   one past the last index kept, start &lt; end ≤ size(dim)
     */
    public Tensor slice(int dim, int start, int end) {
        return Shaping.slice(this, dim, start, end);
    }

    /**
     * {@return consecutive slices along {@code dim} of the given sizes (copies)}
     *
     * @param dim   the axis
     * @param sizes the slices' sizes, summing to size(dim)
     */
    public List<Tensor> split(int dim, int... sizes) {
        return Shaping.split(this, dim, sizes);
    }

    // ----- printing ---------------------------------------------------------------------------------------

    /** Shape, device, grad flag, and values (summarised with … past 6 per axis), like PyTorch. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("tensor(");
        if (numel() <= 100_000) {
            float[] v = toArray();
            appendValues(sb, v, 0, 0, 8);
        } else {
            sb.append("<").append(numel()).append(" values>");
        }
        sb.append(", shape=").append(Shape.str(shape)).append(", device=").append(device());
        if (gradNode != null) {
            sb.append(", grad_fn=").append(gradNode.name());
        } else if (requiresGrad) {
            sb.append(", requires_grad=true");
        }
        return sb.append(')').toString();
    }

    private void appendValues(StringBuilder sb, float[] v, int axis, int offset, int indent) {
        if (axis == shape.length) {
            sb.append(format(v[offset]));
            return;
        }
        int n = shape[axis];
        int inner = Shape.product(shape, axis + 1, shape.length);
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (n > 6 && i == 3) {
                sb.append(axis == shape.length - 1 ? "…, " : "…,\n" + " ".repeat(indent + axis + 1));
                i = n - 3;
            }
            appendValues(sb, v, axis + 1, offset + i * inner, indent);
            if (i < n - 1) {
                sb.append(axis == shape.length - 1 ? ", " : ",\n" + " ".repeat(indent + axis + 1));
            }
        }
        sb.append(']');
    }

    private static String format(float x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e6) {
            return String.valueOf((long) x) + ".";
        }
        return String.format(java.util.Locale.ROOT, Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5 ? "%.4f" : "%.4e", x);
    }
}
