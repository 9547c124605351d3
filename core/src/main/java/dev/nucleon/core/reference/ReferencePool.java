package dev.nucleon.core.reference;

/**
 * Double-precision max and average pooling over (N, C, H, W) with square kernel k, stride s, padding p:
 * H_out = ⌊(H + 2p − k)/s⌋ + 1. Padded cells never win a max; an average divides by k² when
 * {@code countIncludePad} (PyTorch's default), else by the number of window cells inside the image.
 *
 * <p>The specification of pooling, as the loops read: the reference backend runs the composed windows of
 * {@code dev.nucleon.core.composed.ComposedPooling} instead, and the conformance suite checks both against this.
 */
public final class ReferencePool {

    private ReferencePool() {
    }

    /**
     * {@return the output shape (N, C, H_out, W_out)}
     *
     * @param x     the input shape (N, C, H, W)
     * @param k     the window's height and width
     * @param s     the stride
     * @param p     the padding on every side
     */
    public static int[] shape(int[] x, int k, int s, int p) {
        return new int[] {x[0], x[1], (x[2] + 2 * p - k) / s + 1, (x[3] + 2 * p - k) / s + 1};
    }

    /**
     * {@return the maximum of every window, of {@link #shape}}
     *
     * @param x     the input values
     * @param shape x's shape (N, C, H, W)
     * @param k     the window's height and width
     * @param s     the stride
     * @param p     the padding on every side
     */
    public static double[] maxPool2d(double[] x, int[] shape, int k, int s, int p) {
        return pool(x, shape, k, s, p, true, false);
    }

    /**
     * {@return the mean of every window, of {@link #shape}}
     *
     * @param x               the input values
     * @param shape           x's shape (N, C, H, W)
     * @param k               the window's height and width
     * @param s               the stride
     * @param p               the padding on every side
     * @param countIncludePad divide by k² (true) or by the window cells inside the image (false)
     */
    public static double[] avgPool2d(double[] x, int[] shape, int k, int s, int p, boolean countIncludePad) {
        return pool(x, shape, k, s, p, false, countIncludePad);
    }

    private static double[] pool(double[] x, int[] shape, int k, int s, int p, boolean max, boolean includePad) {
        int[] ys = shape(shape, k, s, p);
        int h = shape[2], w = shape[3];
        double[] y = new double[ys[0] * ys[1] * ys[2] * ys[3]];
        for (int plane = 0; plane < shape[0] * shape[1]; plane++) {
            for (int i = 0; i < ys[2]; i++) {
                for (int j = 0; j < ys[3]; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    int inside = 0;
                    for (int ki = 0; ki < k; ki++) {
                        for (int kj = 0; kj < k; kj++) {
                            int hi = i * s - p + ki;
                            int wi = j * s - p + kj;
                            if (hi >= 0 && hi < h && wi >= 0 && wi < w) {
                                double v = x[(plane * h + hi) * w + wi];
                                best = Math.max(best, v);
                                sum += v;
                                inside++;
                            }
                        }
                    }
                    y[(plane * ys[2] + i) * ys[3] + j] = max ? best : sum / (includePad ? k * k : inside);
                }
            }
        }
        return y;
    }
}
