package dev.nucleon.core.testing;

import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One op checked against a plain-Java double-precision reference, forward and backward, on a chosen device
 * (the idea of tinygrad's {@code helper_test_op}).
 *
 * <pre>{@code
 * OpCheck.of("conv2d", "stride 2, pad 1")
 *         .input("x", 2, 3, 7, 7)
 *         .input("w", 4, 3, 3, 3)
 *         .op(t -> Convolution.conv2d(t[0], t[1], null, 2, 1))
 *         .reference(new int[] {2, 4, 4, 4}, a -> ReferenceConv.conv2d(a[0], ..., a[1], ...))
 *         .run(device);
 * }</pre>
 *
 * <p>What {@link #run} does:
 * <ol>
 *   <li>Draws every input as float32 values from a generator seeded by the check's name (so a failure
 *       reproduces), builds {@code Tensor.of(values, shape).to(device)}, and marks it {@code requiresGrad}
 *       unless it is a constant ({@link #noGrad()}: targets, class indices, running statistics).</li>
 *   <li><b>Forward</b>: runs our op, checks the output's device and shape, and compares its values with the
 *       reference evaluated in double on exactly the same (widened) inputs, within {@link Tolerances#FORWARD}.</li>
 *   <li><b>Backward</b>: draws a fixed random r of the output's shape and runs {@code y.backward(r)}, which
 *       gives ∂L/∂input for L = Σ rᵢ·yᵢ (seeding the backward pass with r rather than building L from mul
 *       and sum keeps a failure attributable to the op under test). Each gradient is compared with the
 *       central finite difference of L computed on the double reference (step {@link
 *       Tolerances#FINITE_DIFFERENCE_STEP}), within {@link Tolerances#GRADIENT}. Gradients must live on the
 *       input's device and have its shape; constants must get none.</li>
 *   <li>Checks that the op left its inputs unchanged (backends must not write into them), except those
 *       declared {@link #mutable()}.</li>
 * </ol>
 * A failure names the op, the case, the input, the worst index and both values.
 */
public final class OpCheck {

    private final String family;
    private final String name;
    private final List<InputSpec> inputs = new ArrayList<>();
    private Function<Tensor[], Tensor> op;
    private Function<double[][], double[]> reference;
    private int[] outShape;
    private Tolerances.Tolerance forwardTolerance = Tolerances.FORWARD;
    private Tolerances.Tolerance gradientTolerance = Tolerances.GRADIENT;
    private int gradientSamples = Integer.MAX_VALUE;

    /** How one input's values are drawn and whether it takes a gradient. */
    private static final class InputSpec {
        final String name;
        final int[] shape;
        double low = -1;
        double high = 1;
        double[] kinks = new double[0];
        double kinkMargin;
        double distinctGap = -1;
        float[] values;
        int integerBound = -1;
        boolean grad = true;
        boolean mutable;

        InputSpec(String name, int[] shape) {
            this.name = name;
            this.shape = shape.clone();
        }

        String describe() {
            return "'" + name + "' " + Arrays.toString(shape);
        }
    }

    private OpCheck(String family, String name) {
        this.family = family;
        this.name = name;
    }

    /**
     * @param family the op family the check belongs to (one line of the report: "conv2d", "pool", …)
     * @param name   the case, unique within the family; it also seeds the inputs
     */
    public static OpCheck of(String family, String name) {
        return new OpCheck(family, name);
    }

    // ----- inputs -------------------------------------------------------------------------------------------

    /** An input of this shape, uniform in [−1, 1) unless a modifier below says otherwise; takes a gradient. */
    public OpCheck input(String inputName, int... shape) {
        inputs.add(new InputSpec(inputName, shape));
        return this;
    }

    private InputSpec last() {
        if (inputs.isEmpty()) {
            throw new IllegalStateException(name + ": declare an input before modifying it");
        }
        return inputs.get(inputs.size() - 1);
    }

    /** The last input is uniform in [low, high) (e.g. positive for log and sqrt, inside (0, 1) for probabilities). */
    public OpCheck range(double low, double high) {
        last().low = low;
        last().high = high;
        return this;
    }

    /**
     * The last input keeps at least {@link Tolerances#KINK_MARGIN} away from each of {@code kinks} (points where
     * the op is not differentiable, e.g. 0 for relu/abs, the bounds of clamp): values drawn closer are redrawn.
     */
    public OpCheck awayFrom(double... kinks) {
        return awayFrom(Tolerances.KINK_MARGIN, kinks);
    }

    /** As {@link #awayFrom(double...)} with an explicit margin. */
    public OpCheck awayFrom(double margin, double[] kinks) {
        last().kinks = kinks.clone();
        last().kinkMargin = margin;
        return this;
    }

    /**
     * The last input's values are pairwise at least {@code gap} apart (for max-like ops, whose gradient is
     * undefined at ties): they are a shuffled evenly spaced grid over the range, each jittered by at most a
     * quarter of the spacing, so neighbours stay ≥ spacing/2 apart. Fails if the range is too small for the gap.
     */
    public OpCheck distinct(double gap) {
        last().distinctGap = gap;
        return this;
    }

    /** The last input's values pairwise ≥ {@link Tolerances#TIE_GAP} apart. */
    public OpCheck distinct() {
        return distinct(Tolerances.TIE_GAP);
    }

    /** The last input holds exactly these values. */
    public OpCheck values(float... v) {
        last().values = v.clone();
        return this;
    }

    /** The last input holds random integers in [0, bound) (class indices, binary targets); implies {@link #noGrad()}. */
    public OpCheck integers(int bound) {
        last().integerBound = bound;
        last().grad = false;
        return this;
    }

    /** The last input is a constant: no gradient is requested, and none may be produced. */
    public OpCheck noGrad() {
        last().grad = false;
        return this;
    }

    /** The op may change the last input in place (running statistics); skips the unchanged-input check for it. */
    public OpCheck mutable() {
        last().mutable = true;
        return this;
    }

    // ----- op, reference, options ---------------------------------------------------------------------------

    /** Our op, given the inputs in declaration order (already on the device). */
    public OpCheck op(Function<Tensor[], Tensor> f) {
        this.op = f;
        return this;
    }

    /** The double-precision reference: the inputs in declaration order → the output's values (row-major). */
    public OpCheck reference(int[] shape, Function<double[][], double[]> ref) {
        this.outShape = shape.clone();
        this.reference = ref;
        return this;
    }

    /**
     * Finite-difference only this many randomly chosen elements of each input (all of them by default).
     * For inputs large enough to exercise a kernel's multi-threaded path, where checking every element
     * would cost one full reference evaluation per element.
     */
    public OpCheck sampleGradient(int elementsPerInput) {
        this.gradientSamples = elementsPerInput;
        return this;
    }

    /** Overrides {@link Tolerances#FORWARD} for this check; say why where you call it. */
    public OpCheck forwardTolerance(Tolerances.Tolerance t) {
        this.forwardTolerance = t;
        return this;
    }

    /** Overrides {@link Tolerances#GRADIENT} for this check; say why where you call it. */
    public OpCheck gradientTolerance(Tolerances.Tolerance t) {
        this.gradientTolerance = t;
        return this;
    }

    // ----- running ------------------------------------------------------------------------------------------

    /** Worst errors of one check, for the report. */
    public record Result(String family, String name, int values, double forwardError, double forwardScaled,
                         double forwardUsed, double gradientError, double gradientScaled, double gradientUsed) {
    }

    /** Runs the check on {@code device}; throws {@link AssertionError} on any mismatch; records the result. */
    public Result run(Device device) {
        if (op == null || reference == null) {
            throw new IllegalStateException(label() + ": op and reference must both be given");
        }
        SplittableRandom random = new SplittableRandom(seedOf(family + "/" + name));
        int k = inputs.size();
        float[][] values = new float[k][];
        double[][] wide = new double[k][];
        Tensor[] tensors = new Tensor[k];
        for (int i = 0; i < k; i++) {
            InputSpec in = inputs.get(i);
            values[i] = draw(in, random);
            wide[i] = widen(values[i]);
            Tensor t = Tensor.of(values[i].clone(), in.shape).to(device);
            tensors[i] = in.grad ? t.requiresGrad(true) : t;
        }

        // forward
        Tensor y = op.apply(tensors.clone());
        assertThat(y.device().equals(device), "output is on " + y.device() + ", expected " + device);
        assertThat(Arrays.equals(y.shape(), outShape), "output shape " + Arrays.toString(y.shape())
                + ", reference shape " + Arrays.toString(outShape));
        double[] expected = reference.apply(copy(wide));
        assertThat(expected.length == NdIndex.numel(outShape), "reference returned " + expected.length
                + " values for shape " + Arrays.toString(outShape) + " (bug in the test)");
        Comparison forward = compare(y.toArray(), expected, outShape, forwardTolerance);
        if (forward.failed()) {
            throw new AssertionError(label() + ": forward output " + forward.describe(outShape, forwardTolerance)
                    + inputsDescription(values));
        }

        // backward
        double gradientError = 0;
        double gradientScaled = 0;
        double gradientUsed = 0;
        boolean anyGrad = inputs.stream().anyMatch(s -> s.grad);
        if (anyGrad) {
            float[] r = new float[NdIndex.numel(outShape)];
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) (random.nextDouble() * 2 - 1);
            }
            y.backward(Tensor.of(r, outShape).to(device));
            double[] rWide = widen(r);
            for (int i = 0; i < k; i++) {
                InputSpec in = inputs.get(i);
                Tensor g = tensors[i].grad();
                if (!in.grad) {
                    assertThat(g == null, "constant input " + in.describe() + " received a gradient");
                    continue;
                }
                assertThat(g != null, "no gradient reached input " + in.describe());
                assertThat(g.device().equals(device), "gradient of " + in.describe() + " is on " + g.device());
                assertThat(Arrays.equals(g.shape(), in.shape), "gradient of " + in.describe() + " has shape "
                        + Arrays.toString(g.shape()));
                int[] sample = sampleIndices(values[i].length, random);
                double[] fd = finiteDifference(wide, i, sample, rWide);
                float[] ours = g.toArray();
                float[] oursSampled = new float[sample.length];
                for (int s = 0; s < sample.length; s++) {
                    oursSampled[s] = ours[sample[s]];
                }
                Comparison c = compare(oursSampled, fd, null, gradientTolerance);
                if (c.failed()) {
                    int flat = sample[c.worst];
                    throw new AssertionError(label() + ": gradient of input " + in.describe()
                            + " differs from the finite difference of the reference at index "
                            + NdIndex.str(NdIndex.unravel(flat, in.shape)) + " (x = " + values[i][flat] + "): "
                            + c.describeWorst(gradientTolerance) + inputsDescription(values));
                }
                gradientError = Math.max(gradientError, c.worstError);
                gradientScaled = Math.max(gradientScaled, c.worstScaled);
                gradientUsed = Math.max(gradientUsed, c.worstUsed);
            }
        }

        // inputs untouched
        for (int i = 0; i < k; i++) {
            if (!inputs.get(i).mutable && !Arrays.equals(tensors[i].toArray(), values[i])) {
                throw new AssertionError(label() + ": the op changed its input " + inputs.get(i).describe());
            }
        }

        Result result = new Result(family, name, expected.length, forward.worstError, forward.worstScaled,
                forward.worstUsed, gradientError, gradientScaled, gradientUsed);
        ConformanceReport.record(device, result);
        return result;
    }

    /** The case name (unique within the family). */
    public String name() {
        return name;
    }

    /** The family and case, as failure messages show them. */
    public String label() {
        return family + " [" + name + "]";
    }

    private void assertThat(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(label() + ": " + message);
        }
    }

    private String inputsDescription(float[][] values) {
        StringBuilder sb = new StringBuilder("\n  inputs:");
        for (int i = 0; i < inputs.size(); i++) {
            float[] v = values[i];
            sb.append("\n    ").append(inputs.get(i).describe()).append(" = ")
                    .append(Arrays.toString(Arrays.copyOf(v, Math.min(v.length, 12))))
                    .append(v.length > 12 ? " …" : "");
        }
        return sb.toString();
    }

    /** Σ r·(∂ref/∂x_j) at the chosen elements j of input {@code which}, by central differences. */
    private double[] finiteDifference(double[][] wide, int which, int[] sample, double[] r) {
        double[][] x = copy(wide);
        double[] fd = new double[sample.length];
        for (int s = 0; s < sample.length; s++) {
            int j = sample[s];
            double orig = x[which][j];
            double h = Tolerances.FINITE_DIFFERENCE_STEP * Math.max(1, Math.abs(orig));
            x[which][j] = orig + h;
            double plus = dot(r, reference.apply(x));
            x[which][j] = orig - h;
            double minus = dot(r, reference.apply(x));
            x[which][j] = orig;
            fd[s] = (plus - minus) / (2 * h);
        }
        return fd;
    }

    private int[] sampleIndices(int n, SplittableRandom random) {
        if (n <= gradientSamples) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] perm = permutation(n, random);
        int[] chosen = Arrays.copyOf(perm, gradientSamples);
        Arrays.sort(chosen);
        return chosen;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    // ----- comparison ---------------------------------------------------------------------------------------

    private static final class Comparison {
        int worst = -1;
        double worstError;
        double worstScaled;
        double worstUsed;
        float oursAtWorst;
        double refAtWorst;
        double allowedAtWorst;
        int count;

        boolean failed() {
            return worstUsed > 1 || Double.isNaN(worstUsed);
        }

        String describeWorst(Tolerances.Tolerance t) {
            return "ours " + oursAtWorst + ", reference " + refAtWorst + ", |diff| "
                    + String.format(java.util.Locale.ROOT, "%.3e", Math.abs(oursAtWorst - refAtWorst))
                    + " > allowed " + String.format(java.util.Locale.ROOT, "%.3e", allowedAtWorst)
                    + " (worst of " + count + " values; " + t + ")";
        }

        String describe(int[] shape, Tolerances.Tolerance t) {
            return "differs from the reference at index " + NdIndex.str(NdIndex.unravel(worst, shape)) + ": "
                    + describeWorst(t);
        }
    }

    private static Comparison compare(float[] ours, double[] ref, int[] shape, Tolerances.Tolerance tol) {
        double scale = 0;
        for (double v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        Comparison c = new Comparison();
        c.count = ref.length;
        for (int i = 0; i < ref.length; i++) {
            double err = Math.abs(ours[i] - ref[i]);
            double allowed = tol.allowed(ref[i], scale);
            double used = Float.isFinite(ours[i]) ? err / allowed : Double.NaN;
            if (c.worst < 0 || used > c.worstUsed || Double.isNaN(used)) {
                c.worst = i;
                c.worstUsed = used;
                c.oursAtWorst = ours[i];
                c.refAtWorst = ref[i];
                c.allowedAtWorst = allowed;
                if (Double.isNaN(used)) {
                    return c;
                }
            }
            c.worstError = Math.max(c.worstError, err);
            c.worstScaled = Math.max(c.worstScaled, scale > 0 ? err / scale : err);
        }
        return c;
    }

    // ----- input generation ---------------------------------------------------------------------------------

    private float[] draw(InputSpec in, SplittableRandom random) {
        int n = NdIndex.numel(in.shape);
        if (in.values != null) {
            if (in.values.length != n) {
                throw new IllegalStateException(label() + ": " + in.values.length + " values for input " + in.describe());
            }
            return in.values.clone();
        }
        float[] v = new float[n];
        if (in.integerBound > 0) {
            for (int i = 0; i < n; i++) {
                v[i] = random.nextInt(in.integerBound);
            }
            return v;
        }
        if (in.distinctGap > 0) {
            double spacing = (in.high - in.low) / n;
            if (spacing / 2 < in.distinctGap) {
                throw new IllegalStateException(label() + ": range [" + in.low + ", " + in.high + ") too small for "
                        + n + " values " + in.distinctGap + " apart in input " + in.describe());
            }
            int[] perm = permutation(n, random);
            for (int i = 0; i < n; i++) {
                double jitter = (random.nextDouble() - 0.5) * spacing / 2;
                v[i] = (float) (in.low + (perm[i] + 0.5) * spacing + jitter);
            }
            return v;
        }
        for (int i = 0; i < n; i++) {
            float x;
            int tries = 0;
            do {
                x = (float) (in.low + (in.high - in.low) * random.nextDouble());
                if (++tries > 1000) {
                    throw new IllegalStateException(label() + ": cannot draw values away from the kinks of " + in.describe());
                }
            } while (nearKink(x, in));
            v[i] = x;
        }
        return v;
    }

    private static boolean nearKink(float x, InputSpec in) {
        for (double k : in.kinks) {
            if (Math.abs(x - k) < in.kinkMargin) {
                return true;
            }
        }
        return false;
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static long seedOf(String s) {
        long h = 1125899906842597L;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    private static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
