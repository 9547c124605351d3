package dev.nucleon.core.cpu;

import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.backend.RandomDistribution;
import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.core.random.CounterRandom;

/**
 * CPU elementwise kernels: unary functions and their derivatives, broadcast binary ops, random fills.
 * Memory-bound; split into chunks of at least {@link #GRAIN} elements across threads.
 */
public final class Elementwise {

    /** Below this many elements a loop runs on the calling thread. */
    public static final int GRAIN = 1 << 15;

    /** √(2/π), GELU's tanh-approximation constant. */
    private static final float GELU_C = 0.7978845608028654f;

    private Elementwise() {
    }

    static void unary(UnaryOp op, float p1, float p2, float[] x, float[] y) {
        Parallel.range(x.length, GRAIN, (from, to) -> unary(op, p1, p2, x, y, from, to));
    }

    /**
     * A convolution's epilogue: {@code y[from .. to) = f(y[from .. to))} in place, on the calling thread.
     *
     * @param epilogue the activation to apply (none: nothing happens)
     * @param y        the convolution's output
     * @param from     the first element
     * @param to       one past the last element
     */
    public static void apply(Epilogue epilogue, float[] y, int from, int to) {
        if (!epilogue.isNone()) {
            unary(epilogue.op(), epilogue.p1(), 0f, y, y, from, to);
        }
    }

    /** {@code y[i] = op(x[i])} for i in [from, to), on the calling thread ({@code y == x} allowed). */
    static void unary(UnaryOp op, float p1, float p2, float[] x, float[] y, int from, int to) {
        switch (op) {
            case NEG -> { for (int i = from; i < to; i++) y[i] = -x[i]; }
            case EXP -> { for (int i = from; i < to; i++) y[i] = (float) Math.exp(x[i]); }
            case LOG -> { for (int i = from; i < to; i++) y[i] = (float) Math.log(x[i]); }
            case SQRT -> { for (int i = from; i < to; i++) y[i] = (float) Math.sqrt(x[i]); }
            case ABS -> { for (int i = from; i < to; i++) y[i] = Math.abs(x[i]); }
            case POW -> {
                if (p1 == 2f) {
                    for (int i = from; i < to; i++) y[i] = x[i] * x[i];
                } else {
                    for (int i = from; i < to; i++) y[i] = (float) Math.pow(x[i], p1);
                }
            }
            case ADD_SCALAR -> { for (int i = from; i < to; i++) y[i] = x[i] + p1; }
            case MUL_SCALAR -> { for (int i = from; i < to; i++) y[i] = x[i] * p1; }
            case CLAMP -> { for (int i = from; i < to; i++) y[i] = Math.min(Math.max(x[i], p1), p2); }
            case RELU -> { for (int i = from; i < to; i++) y[i] = Math.max(x[i], 0f); } // branch-free: max, not ?:
            case ELU -> {
                if (VectorSupport.isAvailable()) {
                    VectorElementwise.elu(p1, x, y, from, to);
                } else {
                    for (int i = from; i < to; i++) y[i] = x[i] > 0 ? x[i] : (float) (p1 * Math.expm1(x[i]));
                }
            }
            case LEAKY_RELU -> {
                if (p1 >= 0 && p1 <= 1) { // max(x, a·x) is the same function there, without a branch
                    for (int i = from; i < to; i++) y[i] = Math.max(x[i], p1 * x[i]);
                } else {
                    for (int i = from; i < to; i++) y[i] = x[i] > 0 ? x[i] : p1 * x[i];
                }
            }
            case SIGMOID -> {
                if (VectorSupport.isAvailable()) { // VectorElementwise is only loaded when this branch runs
                    VectorElementwise.sigmoid(x, y, from, to);
                } else {
                    for (int i = from; i < to; i++) y[i] = sigmoid(x[i]);
                }
            }
            case TANH -> { for (int i = from; i < to; i++) y[i] = (float) Math.tanh(x[i]); }
            case GELU -> { // ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
                for (int i = from; i < to; i++) {
                    float v = x[i];
                    y[i] = 0.5f * v * (1f + (float) Math.tanh(GELU_C * (v + 0.044715f * v * v * v)));
                }
            }
            // a row of the UnaryOp table without a float loop here: its double reference, rounded once
            default -> { for (int i = from; i < to; i++) y[i] = (float) op.reference(x[i], p1, p2); }
        }
    }

    static void unaryBackward(UnaryOp op, float p1, float p2, float[] x, float[] y, float[] gy, float[] gx) {
        Parallel.range(x.length, GRAIN, (from, to) -> {
            switch (op) {
                case NEG -> { for (int i = from; i < to; i++) gx[i] = -gy[i]; }
                case EXP -> { for (int i = from; i < to; i++) gx[i] = gy[i] * y[i]; }
                case LOG -> { for (int i = from; i < to; i++) gx[i] = gy[i] / x[i]; }
                case SQRT -> { for (int i = from; i < to; i++) gx[i] = gy[i] * 0.5f / y[i]; }
                case ABS -> { for (int i = from; i < to; i++) gx[i] = x[i] > 0 ? gy[i] : x[i] < 0 ? -gy[i] : 0f; }
                case POW -> { for (int i = from; i < to; i++) gx[i] = (float) (gy[i] * p1 * Math.pow(x[i], p1 - 1)); }
                case ADD_SCALAR -> System.arraycopy(gy, from, gx, from, to - from);
                case MUL_SCALAR -> { for (int i = from; i < to; i++) gx[i] = gy[i] * p1; }
                case CLAMP -> { for (int i = from; i < to; i++) gx[i] = x[i] >= p1 && x[i] <= p2 ? gy[i] : 0f; }
                case RELU -> { for (int i = from; i < to; i++) gx[i] = keepWherePositive(x[i], gy[i]); }
                case ELU -> { for (int i = from; i < to; i++) gx[i] = x[i] > 0 ? gy[i] : gy[i] * (y[i] + p1); }
                case LEAKY_RELU -> { for (int i = from; i < to; i++) gx[i] = x[i] > 0 ? gy[i] : gy[i] * p1; }
                case SIGMOID -> { for (int i = from; i < to; i++) gx[i] = gy[i] * y[i] * (1 - y[i]); }
                case TANH -> { for (int i = from; i < to; i++) gx[i] = gy[i] * (1 - y[i] * y[i]); }
                case GELU -> {
                    for (int i = from; i < to; i++) {
                        float v = x[i];
                        float t = (float) Math.tanh(GELU_C * (v + 0.044715f * v * v * v));
                        gx[i] = gy[i] * (0.5f * (1f + t) + 0.5f * v * (1f - t * t) * GELU_C * (1f + 3f * 0.044715f * v * v));
                    }
                }
                default -> { for (int i = from; i < to; i++) gx[i] = (float) (gy[i] * op.derivative(x[i], y[i], p1, p2)); }
            }
        });
    }

    /**
     * {@code x > 0 ? g : 0} without a branch. Activations are positive about half the time in no
     * predictable order, so the branch mispredicts constantly (measured 40 ms vs 5 ms on 8.4 M floats):
     * x &gt; 0 exactly when its bit pattern, read as an int, lies in [1, 0x7F800000] (positive, not +0, not
     * NaN), and the sign of {@code (b − 1) | (0x7F800000 − b)} says so.
     */
    static float keepWherePositive(float x, float g) {
        int b = Float.floatToRawIntBits(x);
        int outside = ((b - 1) | (0x7F800000 - b)) >> 31; // all ones when x is not > 0
        return Float.intBitsToFloat(Float.floatToRawIntBits(g) & ~outside);
    }

    static float sigmoid(float v) {
        return v >= 0 ? (float) (1 / (1 + Math.exp(-v))) : (float) (Math.exp(v) / (1 + Math.exp(v)));
    }

    static float binary(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case EQ -> a == b ? 1f : 0f;
            case GT -> a > b ? 1f : 0f;
            case BCE -> {
                double p = Math.min(Math.max(a, BinaryOp.BCE_EPSILON), 1 - BinaryOp.BCE_EPSILON);
                yield (float) -(b * Math.log(p) + (1 - b) * Math.log(1 - p));
            }
            case BCE_GRAD -> a < BinaryOp.BCE_EPSILON || a > 1 - BinaryOp.BCE_EPSILON ? 0f
                    : (float) ((a - (double) b) / ((double) a * (1 - a)));
            case BCE_LOGITS -> (float) (Math.max(a, 0) - (double) a * b + Math.log1p(Math.exp(-Math.abs(a))));
            case BCE_LOGITS_GRAD -> sigmoid(a) - b;
        };
    }

    /**
     * Broadcast binary op. The output is walked row by row (last axis innermost); each operand advances
     * with stride 1 along an axis it has, 0 along one it broadcasts.
     */
    static void binary(BinaryOp op, float[] a, int[] aShape, float[] b, int[] bShape, float[] out, int[] outShape) {
        int rank = outShape.length;
        if (a.length == out.length && b.length == out.length) {
            Parallel.range(out.length, GRAIN, (from, to) -> sameShape(op, a, b, out, from, to));
            return;
        }
        if (rank == 0) {
            out[0] = binary(op, a[0], b[0]);
            return;
        }
        long[] aStrides = broadcastStrides(aShape, outShape);
        long[] bStrides = broadcastStrides(bShape, outShape);
        int cols = outShape[rank - 1];
        int rows = out.length / Math.max(1, cols);
        long aCol = aStrides[rank - 1];
        long bCol = bStrides[rank - 1];
        Parallel.range(rows, Math.max(1, GRAIN / Math.max(1, cols)), (from, to) -> {
            int[] index = new int[rank];
            for (int row = from; row < to; row++) {
                int r = row;
                long ai = 0;
                long bi = 0;
                for (int d = rank - 2; d >= 0; d--) {
                    index[d] = r % outShape[d];
                    r /= outShape[d];
                    ai += index[d] * aStrides[d];
                    bi += index[d] * bStrides[d];
                }
                int o = row * cols;
                int ia = (int) ai;
                int ib = (int) bi;
                if (op == BinaryOp.ADD && aCol == 1 && bCol == 0) {
                    float bv = b[ib];
                    for (int j = 0; j < cols; j++) out[o + j] = a[ia + j] + bv;
                } else if (op == BinaryOp.MUL && aCol == 1 && bCol == 0) {
                    float bv = b[ib];
                    for (int j = 0; j < cols; j++) out[o + j] = a[ia + j] * bv;
                } else {
                    for (int j = 0; j < cols; j++) {
                        out[o + j] = binary(op, a[(int) (ia + j * aCol)], b[(int) (ib + j * bCol)]);
                    }
                }
            }
        });
    }

    private static void sameShape(BinaryOp op, float[] a, float[] b, float[] out, int from, int to) {
        switch (op) {
            case ADD -> { for (int i = from; i < to; i++) out[i] = a[i] + b[i]; }
            case SUB -> { for (int i = from; i < to; i++) out[i] = a[i] - b[i]; }
            case MUL -> { for (int i = from; i < to; i++) out[i] = a[i] * b[i]; }
            case DIV -> { for (int i = from; i < to; i++) out[i] = a[i] / b[i]; }
            default -> { for (int i = from; i < to; i++) out[i] = binary(op, a[i], b[i]); }
        }
    }

    /** Strides of an operand walked over the output's index space (0 along broadcast axes). */
    static long[] broadcastStrides(int[] shape, int[] outShape) {
        long[] strides = new long[outShape.length];
        long acc = 1;
        for (int d = outShape.length - 1; d >= 0; d--) {
            strides[d] = shape[d] == 1 && outShape[d] != 1 ? 0 : acc;
            acc *= shape[d];
        }
        return strides;
    }

    static void fillRandom(float[] target, RandomDistribution distribution, long seed, float p1, float p2) {
        Parallel.range(target.length, GRAIN, (from, to) -> {
            switch (distribution) {
                case UNIFORM -> {
                    for (int i = from; i < to; i++) {
                        float v = p1 + (p2 - p1) * CounterRandom.uniform(seed, i);
                        target[i] = v < p2 ? v : Math.nextDown(p2);
                    }
                }
                case NORMAL -> { for (int i = from; i < to; i++) target[i] = p1 + p2 * CounterRandom.normal(seed, i); }
                case BERNOULLI_SCALED -> {
                    float scale = 1f / p1;
                    for (int i = from; i < to; i++) target[i] = CounterRandom.uniform(seed, i) < p1 ? scale : 0f;
                }
                default -> throw new UnsupportedOperationException("cpu: random distribution " + distribution);
            }
        });
    }
}
