package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.Op;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape and layout: reshape (a view), permute, slice/crop, pad, concat/split, expand. Everything but
 * reshape copies, since tensors are always contiguous; the copies all go through one backend op,
 * {@link dev.nucleon.core.backend.Backend#copyRegion}, whose adjoint is itself with source and target swapped.
 */
public final class Shaping {

    private Shaping() {
    }

    /**
     * {@return a view of x's data (no copy) with a new shape of the same element count}
     *
     * @param x        the input, any shape
     * @param newShape the sizes; at most one may be −1, inferred from the element count
     * @throws IllegalArgumentException when more than one size is −1 or the element counts differ
     */
    public static Tensor reshape(Tensor x, int... newShape) {
        int[] shape = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: only one size may be -1, got " + Shape.str(newShape));
                }
                infer = d;
            } else {
                known *= shape[d];
            }
        }
        if (infer >= 0 && known > 0) {
            shape[infer] = (int) (x.numel() / known);
        }
        if (Shape.numel(shape) != x.numel() || (infer >= 0 && known == 0)) {
            throw new IllegalArgumentException("reshape: cannot view shape " + Shape.str(x.shape()) + " ("
                    + x.numel() + " elements) as " + Shape.str(newShape));
        }
        int[] original = x.shape();
        Tensor out = Tensor.fromStorage(x.storage(), shape);
        return Autograd.record(out, new Op.Reshape(), x);
    }

    /**
     * {@return a copy of x with its axes reordered: output axis d is input axis {@code perm[d]}}
     *
     * @param x    the input, any shape
     * @param perm a permutation of 0 … rank−1 (negative entries count from the end)
     * @throws IllegalArgumentException when perm has the wrong length, an entry out of range, or a repeat
     */
    public static Tensor permute(Tensor x, int... perm) {
        int rank = x.rank();
        if (perm.length != rank) {
            throw new IllegalArgumentException("permute: " + perm.length + " axes given for a tensor of rank " + rank);
        }
        int[] p = new int[rank];
        boolean[] seen = new boolean[rank];
        int[] outShape = new int[rank];
        for (int d = 0; d < rank; d++) {
            p[d] = Shape.axis("permute", perm[d], rank);
            if (seen[p[d]]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " is not a permutation");
            }
            seen[p[d]] = true;
            outShape[d] = x.shape()[p[d]];
        }
        Tensor out = Tensor.empty(x.backend(), outShape);
        x.backend().permute(x.storage(), x.shape(), p, out.storage());
        return Autograd.record(out, new Op.Permute(p), x);
    }

    /**
     * {@return a copy of {@code x} with axes {@code dim0} and {@code dim1} swapped}
     *
     * @param x    the input, any shape
     * @param dim0 one axis, negative counting from the end
     * @param dim1 the other axis (may equal dim0: a plain copy)
     * @throws IllegalArgumentException when an axis is out of range
     */
    public static Tensor transpose(Tensor x, int dim0, int dim1) {
        int[] perm = new int[x.rank()];
        for (int d = 0; d < perm.length; d++) {
            perm[d] = d;
        }
        int a = Shape.axis("transpose", dim0, perm.length);
        int b = Shape.axis("transpose", dim1, perm.length);
        perm[a] = b;
        perm[b] = a;
        return permute(x, perm);
    }

    /**
     * Inserts a size-1 axis at {@code dim}, e.g. (H, W) → (1, H, W) for dim 0; a view, like {@link #reshape}.
     *
     * @param x   the input, any shape
     * @param dim the new axis's position in the result, 0 … rank (negative counting from the result's end)
     * @return the view, of rank one more
     * @throws IllegalArgumentException when dim is out of range
     */
    public static Tensor unsqueeze(Tensor x, int dim) {
        int[] s = x.shape();
        int a = Shape.axis("unsqueeze", dim, s.length + 1);
        int[] out = new int[s.length + 1];
        System.arraycopy(s, 0, out, 0, a);
        out[a] = 1;
        System.arraycopy(s, a, out, a + 1, s.length - a);
        return reshape(x, out);
    }

    /**
     * Removes the size-1 axis {@code dim}; a view, like {@link #reshape}.
     *
     * @param x   the input, any shape
     * @param dim the axis, negative counting from the end
     * @return the view, of rank one less
     * @throws IllegalArgumentException when dim is out of range or its size is not 1
     */
    public static Tensor squeeze(Tensor x, int dim) {
        int[] s = x.shape();
        int a = Shape.axis("squeeze", dim, s.length);
        if (s[a] != 1) {
            throw new IllegalArgumentException("squeeze: dim " + dim + " of shape " + Shape.str(s) + " has size " + s[a]);
        }
        int[] out = new int[s.length - 1];
        System.arraycopy(s, 0, out, 0, a);
        System.arraycopy(s, a + 1, out, a, s.length - a - 1);
        return reshape(x, out);
    }

    /**
     * {@return a copy of elements {@code start .. end − 1} along {@code dim}, all of the other axes}
     *
     * @param x     the input, any shape
     * @param dim   the axis, negative counting from the end
     * @param start the first index, ≥ 0
     * @param end   one past the last index, in start + 1 … size
     * @throws IllegalArgumentException when dim is out of range or the range is empty or outside the axis
     */
    public static Tensor slice(Tensor x, int dim, int start, int end) {
        int a = Shape.axis("slice", dim, x.rank());
        int[] from = new int[x.rank()];
        int[] size = x.shape();
        if (start < 0 || end > size[a] || start >= end) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") is empty or outside dim " + dim
                    + " of size " + size[a] + " (shape " + Shape.str(x.shape()) + ")");
        }
        from[a] = start;
        size[a] = end - start;
        return crop(x, from, size);
    }

    /**
     * {@return a copy of the box of {@code size} starting at {@code start}}
     *
     * @param x     the input, any shape
     * @param start the box's first index on each axis, ≥ 0
     * @param size  the box's size on each axis, ≥ 1, the box inside x
     * @throws IllegalArgumentException when start or size has not one entry per axis, or the box does not fit
     */
    public static Tensor crop(Tensor x, int[] start, int[] size) {
        int[] shape = x.shape();
        if (start.length != shape.length || size.length != shape.length) {
            throw new IllegalArgumentException("crop: start " + Arrays.toString(start) + " and size "
                    + Arrays.toString(size) + " must have one entry per axis of " + Shape.str(shape));
        }
        for (int d = 0; d < shape.length; d++) {
            if (start[d] < 0 || size[d] < 1 || start[d] + size[d] > shape[d]) {
                throw new IllegalArgumentException("crop: box at " + Arrays.toString(start) + " of size "
                        + Arrays.toString(size) + " does not fit in shape " + Shape.str(shape));
            }
        }
        Tensor out = Tensor.empty(x.backend(), size);
        x.backend().copyRegion(x.storage(), shape, start.clone(), out.storage(), size, new int[shape.length],
                size.clone(), false);
        return Autograd.record(out, new Op.Crop(start.clone()), x);
    }

    /**
     * Pads with {@code value}: {@code before[d]} elements ahead of axis d and {@code after[d]} behind it.
     *
     * @param x      the input, any shape
     * @param before elements added ahead of each axis, ≥ 0
     * @param after  elements added behind each axis, ≥ 0
     * @param value  the value of the added elements
     * @return a new tensor, size {@code before[d] + x.shape[d] + after[d]} on axis d
     * @throws IllegalArgumentException when before or after has not one entry per axis, or an entry is negative
     */
    public static Tensor pad(Tensor x, int[] before, int[] after, float value) {
        int[] shape = x.shape();
        if (before.length != shape.length || after.length != shape.length) {
            throw new IllegalArgumentException("pad: before " + Arrays.toString(before) + " and after "
                    + Arrays.toString(after) + " must have one entry per axis of " + Shape.str(shape));
        }
        int[] outShape = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            if (before[d] < 0 || after[d] < 0) {
                throw new IllegalArgumentException("pad: negative padding " + Arrays.toString(before) + " / "
                        + Arrays.toString(after) + " (use crop to remove elements)");
            }
            outShape[d] = shape[d] + before[d] + after[d];
        }
        Tensor out = Tensor.zeros(x.backend(), outShape);
        if (value != 0f) {
            x.backend().fill(out.storage(), value);
        }
        x.backend().copyRegion(x.storage(), shape, new int[shape.length], out.storage(), outShape, before.clone(),
                shape, false);
        return Autograd.record(out, new Op.Pad(before.clone(), after.clone(), value), x);
    }

    /**
     * Joins tensors along {@code dim}, in order; all other sizes must agree.
     *
     * @param dim   the axis, negative counting from the end
     * @param parts at least one tensor, all of one rank and on one device
     * @return a new tensor whose size on {@code dim} is the parts' total
     * @throws IllegalArgumentException when there are no parts, dim is out of range, the shapes differ outside dim,
     *                                  or the parts are on different devices
     */
    public static Tensor concat(int dim, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat: no tensors given");
        }
        int[] first = parts[0].shape();
        int a = Shape.axis("concat", dim, first.length);
        int total = 0;
        for (Tensor t : parts) {
            Arithmetic.requireSameDevice("concat", parts[0], t);
            int[] s = t.shape();
            boolean ok = s.length == first.length;
            for (int d = 0; ok && d < s.length; d++) {
                ok = d == a || s[d] == first[d];
            }
            if (!ok) {
                throw new IllegalArgumentException("concat: shape " + Shape.str(s) + " does not match "
                        + Shape.str(first) + " outside dim " + dim);
            }
            total += s[a];
        }
        int[] outShape = first.clone();
        outShape[a] = total;
        Tensor out = Tensor.empty(parts[0].backend(), outShape);
        int[] sizes = new int[parts.length];
        int offset = 0;
        for (int i = 0; i < parts.length; i++) {
            int[] at = new int[first.length];
            at[a] = offset;
            int[] s = parts[i].shape();
            sizes[i] = s[a];
            out.backend().copyRegion(parts[i].storage(), s, new int[s.length], out.storage(), outShape, at, s, false);
            offset += s[a];
        }
        return Autograd.record(out, new Op.Concat(a), parts);
    }

    /**
     * Splits along {@code dim} into consecutive pieces of the given sizes (which must add up to the size).
     *
     * @param x     the input, any shape
     * @param dim   the axis, negative counting from the end
     * @param sizes each piece's size on dim, ≥ 1, adding up to x's size there
     * @return the pieces (copies), in order
     * @throws IllegalArgumentException when dim is out of range, the sizes do not add up, or a size is not positive
     */
    public static List<Tensor> split(Tensor x, int dim, int... sizes) {
        int a = Shape.axis("split", dim, x.rank());
        int sum = Arrays.stream(sizes).sum();
        if (sum != x.shape()[a]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + sum
                    + ", dim " + dim + " of " + Shape.str(x.shape()) + " has " + x.shape()[a]);
        }
        List<Tensor> out = new ArrayList<>(sizes.length);
        int offset = 0;
        for (int s : sizes) {
            out.add(slice(x, a, offset, offset + s));
            offset += s;
        }
        return out;
    }

    /**
     * Broadcasts {@code x} to {@code shape} (materialised); the gradient sums back.
     *
     * @param x     the input, any shape that broadcasts to {@code shape} (size-1 or missing leading axes)
     * @param shape the target shape
     * @return a new tensor of {@code shape}, or x itself when its shape already is {@code shape}
     * @throws IllegalArgumentException when x's shape does not broadcast to {@code shape}
     */
    public static Tensor expand(Tensor x, int... shape) {
        int[] target = Shape.broadcast("expand", x.shape(), shape);
        if (!Arrays.equals(target, shape)) {
            throw new IllegalArgumentException("expand: shape " + Shape.str(x.shape()) + " cannot expand to "
                    + Shape.str(shape));
        }
        if (Arrays.equals(x.shape(), shape)) {
            return x;
        }
        Tensor zero = Tensor.zeros(x.backend(), Shape.padLeft(new int[0], shape.length));
        Tensor out = Tensor.empty(x.backend(), shape);
        x.backend().binary(BinaryOp.ADD, x.storage(), Shape.padLeft(x.shape(), shape.length), zero.storage(),
                zero.shape(), out.storage(), shape);
        return Autograd.record(out, new Op.Expand(), x);
    }
}
