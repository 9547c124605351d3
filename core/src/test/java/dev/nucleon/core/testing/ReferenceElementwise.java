package dev.nucleon.core.testing;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** Double-precision elementwise functions and NumPy broadcasting, written out directly. */
public final class ReferenceElementwise {

    private ReferenceElementwise() {
    }

    /** f applied to every element. */
    public static double[] map(double[] x, DoubleUnaryOperator f) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f.applyAsDouble(x[i]);
        }
        return y;
    }

    public static double relu(double x) {
        return x > 0 ? x : 0;
    }

    public static double elu(double x, double alpha) {
        return x > 0 ? x : alpha * (Math.exp(x) - 1);
    }

    public static double leakyRelu(double x, double slope) {
        return x > 0 ? x : slope * x;
    }

    public static double gelu(double x) {
        // GELU, tanh approximation, written out independently of UnaryOp's table: x·Φ̃(x), Φ̃(x) = ½(1 + tanh(√(2/π)(x + 0.044715x³)))
        double inner = Math.sqrt(2.0 / Math.PI) * (x + 0.044715 * Math.pow(x, 3));
        return x * 0.5 * (1.0 + Math.tanh(inner));
    }

    public static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    public static double clamp(double x, double min, double max) {
        return Math.min(Math.max(x, min), max);
    }

    /** The NumPy broadcast of two shapes (right-aligned; a size-1 axis stretches). */
    public static int[] broadcastShape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) {
            int da = d - (rank - a.length) >= 0 ? a[d - (rank - a.length)] : 1;
            int db = d - (rank - b.length) >= 0 ? b[d - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes do not broadcast");
            }
            out[d] = Math.max(da, db);
        }
        return out;
    }

    /** The element of {@code x} (shape {@code shape}) that output index {@code outIdx} reads under broadcasting. */
    public static double broadcastRead(double[] x, int[] shape, int[] outIdx) {
        int offset = 0;
        int skip = outIdx.length - shape.length;
        for (int d = 0; d < shape.length; d++) {
            int i = shape[d] == 1 ? 0 : outIdx[d + skip];
            offset = offset * shape[d] + i;
        }
        return x[offset];
    }

    /** out = f(a, b) with broadcasting. */
    public static double[] binary(double[] a, int[] aShape, double[] b, int[] bShape, DoubleBinaryOperator f) {
        int[] outShape = broadcastShape(aShape, bShape);
        double[] out = new double[NdIndex.numel(outShape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = NdIndex.unravel(i, outShape);
            out[i] = f.applyAsDouble(broadcastRead(a, aShape, idx), broadcastRead(b, bShape, idx));
        }
        return out;
    }
}
