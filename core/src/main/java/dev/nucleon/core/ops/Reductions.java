package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Op;
import dev.nucleon.core.backend.ReduceOp;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;

import java.util.Arrays;

/**
 * Sum, mean and max over chosen axes or over everything. With {@code keepDim} the reduced axes stay as
 * size 1 (so the result broadcasts against the input); otherwise they are removed.
 */
public final class Reductions {

    private Reductions() {
    }

    /**
     * {@return the sum of all elements, as a rank-0 tensor (0 for an empty x)}
     *
     * @param x the input, any shape
     */
    public static Tensor sum(Tensor x) {
        return sum(x, allAxes(x.rank()), false);
    }

    /**
     * {@return the sum over the given axes; its gradient is the upstream gradient broadcast back to x's shape}
     *
     * @param x       the input, any shape
     * @param dims    the axes to reduce, each once, negative counting from the end; empty reduces nothing
     * @param keepDim keep the reduced axes as size 1 (true) or remove them (false)
     * @throws IllegalArgumentException when an axis is out of range or listed twice
     */
    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        int[] kept = keptShape("sum", x.shape(), dims);
        Tensor out = reduceRaw(ReduceOp.SUM, x, kept);
        Autograd.record(out, new Op.Sum(kept), x);
        return keepDim ? out : out.reshape(dropped(x.shape(), dims));
    }

    /**
     * {@return the mean of all elements, as a rank-0 tensor}
     *
     * @param x the input, any shape
     * @throws IllegalArgumentException when x is empty
     */
    public static Tensor mean(Tensor x) {
        return mean(x, allAxes(x.rank()), false);
    }

    /**
     * {@return the mean over the given axes: their sum divided by the number of elements reduced over}
     *
     * @param x       the input, any shape
     * @param dims    the axes to reduce, each once, negative counting from the end; empty reduces nothing
     * @param keepDim keep the reduced axes as size 1 (true) or remove them (false)
     * @throws IllegalArgumentException when an axis is out of range or listed twice, or x is empty
     */
    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        int[] kept = keptShape("mean", x.shape(), dims);
        long count = x.numel() / Math.max(1, Shape.numel(kept));
        if (x.numel() == 0) {
            throw new IllegalArgumentException("mean: tensor of shape " + Shape.str(x.shape()) + " is empty");
        }
        return sum(x, dims, keepDim).mul(1f / count);
    }

    /**
     * {@return the maximum of all elements, as a rank-0 tensor; tied maxima share the gradient equally}
     *
     * @param x the input, any shape
     * @throws IllegalArgumentException when x is empty
     */
    public static Tensor max(Tensor x) {
        return max(x, allAxes(x.rank()), false);
    }

    /**
     * {@return the maximum over the given axes; tied maxima share the gradient equally (as PyTorch's amax)}
     *
     * @param x       the input, any shape
     * @param dims    the axes to reduce, each once, negative counting from the end; empty reduces nothing
     * @param keepDim keep the reduced axes as size 1 (true) or remove them (false)
     * @throws IllegalArgumentException when an axis is out of range or listed twice, or x is empty
     */
    public static Tensor max(Tensor x, int[] dims, boolean keepDim) {
        int[] kept = keptShape("max", x.shape(), dims);
        if (x.numel() == 0) {
            throw new IllegalArgumentException("max: tensor of shape " + Shape.str(x.shape()) + " is empty");
        }
        Tensor out = reduceRaw(ReduceOp.MAX, x, kept);
        Autograd.record(out, new Op.Max(kept), x);
        return keepDim ? out : out.reshape(dropped(x.shape(), dims));
    }

    /**
     * Sums a (broadcast) gradient back to {@code shape}: over leading axes it lacks and over axes where
     * {@code shape} has size 1. Returns {@code g} itself when the shapes already agree.
     *
     * @param g     a gradient of the broadcast shape
     * @param shape the operand's shape, which broadcasts to g's
     * @return g summed to {@code shape}, not recorded for autograd
     */
    public static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int[] padded = Shape.padLeft(shape, gs.length);
        return reduceRaw(ReduceOp.SUM, g, padded).reshape(shape);
    }

    private static Tensor reduceRaw(ReduceOp op, Tensor x, int[] kept) {
        Tensor out = Tensor.zeros(x.backend(), kept);
        x.backend().reduce(op, x.storage(), x.shape(), out.storage(), kept);
        return out;
    }

    private static int[] allAxes(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = i;
        }
        return a;
    }

    /** The input shape with reduced axes set to 1. */
    private static int[] keptShape(String op, int[] shape, int[] dims) {
        int[] kept = shape.clone();
        boolean[] seen = new boolean[shape.length];
        for (int d : dims) {
            int a = Shape.axis(op, d, shape.length);
            if (seen[a]) {
                throw new IllegalArgumentException(op + ": dim " + d + " listed twice in " + Arrays.toString(dims));
            }
            seen[a] = true;
            kept[a] = 1;
        }
        return kept;
    }

    /** The input shape without the reduced axes. */
    private static int[] dropped(int[] shape, int[] dims) {
        boolean[] reduced = new boolean[shape.length];
        for (int d : dims) {
            reduced[Shape.axis("reduce", d, shape.length)] = true;
        }
        int[] out = new int[shape.length - (int) java.util.stream.IntStream.range(0, shape.length).filter(d -> reduced[d]).count()];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (!reduced[d]) {
                out[j++] = shape[d];
            }
        }
        return out;
    }

}
