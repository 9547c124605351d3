package dev.nucleon.core.backend;

import dev.nucleon.core.GradientRules;

import java.util.Locale;
import java.util.Map;

/**
 * The table of elementwise functions {@code y = f(x; p1, p2)}: one row per op, read by everything that lists them.
 * {@code p1}/{@code p2} are the op's scalar parameters (unused ones are ignored). Each row says
 * <ul>
 *   <li>its name ({@link #label()}: {@code relu}, {@code leaky_relu}, …) and the name of p1 where it has one;</li>
 *   <li>its ONNX node ({@link #onnx()}, null when not exportable), read by the ONNX exporter;</li>
 *   <li>whether it is an activation a convolution may apply as it writes its output ({@link #fusable()}), read by
 *       {@link Epilogue} and the activation layers;</li>
 *   <li>f and f′ in double precision ({@link #reference}, {@link #derivative}): the specification the backends'
 *       float kernels are tested against, used by the reference backend and as the CPU fallback.</li>
 * </ul>
 * The CUDA kernels switch on the ordinal; {@code KernelBinariesTest} checks their enum against this one.
 * Adding a row here is enough for the reference backend, the CPU backend (through the double fallback), autograd
 * ({@link GradientRules}), the activation layers and the ONNX export; a backend adds a fast kernel case.
 */
public enum UnaryOp {
    /** y = −x. */
    NEG(null, false, Onnx.of("Neg"),
            (x, p1, p2) -> -x,
            (x, y, p1, p2) -> -1),
    /** y = eˣ. */
    EXP(null, false, Onnx.of("Exp"),
            (x, p1, p2) -> Math.exp(x),
            (x, y, p1, p2) -> Math.exp(x)),
    /** y = ln x. */
    LOG(null, false, Onnx.of("Log"),
            (x, p1, p2) -> Math.log(x),
            (x, y, p1, p2) -> 1 / x),
    /** y = √x. */
    SQRT(null, false, Onnx.of("Sqrt"),
            (x, p1, p2) -> Math.sqrt(x),
            (x, y, p1, p2) -> 0.5 / Math.sqrt(x)),
    /** y = |x|; dy/dx = sign(x), 0 at 0. */
    ABS(null, false, Onnx.of("Abs"),
            (x, p1, p2) -> Math.abs(x),
            (x, y, p1, p2) -> Math.signum(x)),
    /** y = x^p1. */
    POW("exponent", false, Onnx.withParameterInputs("Pow", 1),
            (x, p1, p2) -> Math.pow(x, p1),
            (x, y, p1, p2) -> p1 == 0 ? 0 : p1 * Math.pow(x, p1 - 1)),
    /** y = x + p1. */
    ADD_SCALAR("value", false, Onnx.withParameterInputs("Add", 1),
            (x, p1, p2) -> x + p1,
            (x, y, p1, p2) -> 1),
    /** y = x · p1. */
    MUL_SCALAR("value", false, Onnx.withParameterInputs("Mul", 1),
            (x, p1, p2) -> x * p1,
            (x, y, p1, p2) -> p1),
    /** y = min(max(x, p1), p2); the gradient passes where p1 ≤ x ≤ p2 (bounds included, as in PyTorch). */
    CLAMP("min", false, Onnx.withParameterInputs("Clip", 2),
            (x, p1, p2) -> Math.min(Math.max(x, p1), p2),
            (x, y, p1, p2) -> x >= p1 && x <= p2 ? 1 : 0),
    /** y = max(x, 0); dy/dx = 1 for x &gt; 0, else 0. */
    RELU(null, true, Onnx.of("Relu"),
            (x, p1, p2) -> Math.max(x, 0),
            (x, y, p1, p2) -> x > 0 ? 1 : 0),
    /** y = x for x &gt; 0, p1·(eˣ − 1) otherwise (p1 = alpha). */
    ELU("alpha", true, Onnx.withAttribute("Elu", "alpha"),
            (x, p1, p2) -> x > 0 ? x : p1 * Math.expm1(x),
            (x, y, p1, p2) -> x > 0 ? 1 : p1 * Math.exp(x)),
    /** y = x for x &gt; 0, p1·x otherwise (p1 = negative slope). */
    LEAKY_RELU("negative_slope", true, Onnx.withAttribute("LeakyRelu", "alpha"),
            (x, p1, p2) -> x > 0 ? x : p1 * x,
            (x, y, p1, p2) -> x > 0 ? 1 : p1),
    /** y = 1 / (1 + e⁻ˣ). */
    SIGMOID(null, true, Onnx.of("Sigmoid"),
            (x, p1, p2) -> 1 / (1 + Math.exp(-x)),
            (x, y, p1, p2) -> {
                double s = 1 / (1 + Math.exp(-x));
                return s * (1 - s);
            }),
    /** y = tanh x. */
    TANH(null, true, Onnx.of("Tanh"),
            (x, p1, p2) -> Math.tanh(x),
            (x, y, p1, p2) -> 1 - Math.tanh(x) * Math.tanh(x)),
    /**
     * GELU, tanh approximation (GPT-2's, PyTorch's {@code approximate="tanh"}): y = ½x·(1 + tanh u),
     * u = √(2/π)·(x + 0.044715·x³); dy/dx = ½(1 + tanh u) + ½x·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·x²).
     * ONNX: {@code Gelu(approximate="tanh")}, opset 20.
     */
    GELU(null, true, new Onnx("Gelu", 20, 0, null, Map.of("approximate", "tanh")),
            (x, p1, p2) -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
            (x, y, p1, p2) -> {
                double c = Math.sqrt(2 / Math.PI);
                double t = Math.tanh(c * (x + 0.044715 * x * x * x));
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
            });

    /**
     * A function of one element and its two parameters, in double.
     */
    @FunctionalInterface
    public interface Formula {
        /**
         * {@return f(x; p1, p2)}
         *
         * @param x  the argument
         * @param p1 the first parameter
         * @param p2 the second parameter
         */
        double at(double x, double p1, double p2);
    }

    /**
     * A derivative df/dx, which may read the forward output y = f(x) (the float kernels do where it is cheaper);
     * the reference rows compute it from x alone.
     */
    @FunctionalInterface
    public interface Derivative {
        /**
         * {@return f′(x; p1, p2)}
         *
         * @param x  the argument
         * @param y  f(x), as the forward pass computed it
         * @param p1 the first parameter
         * @param p2 the second parameter
         */
        double at(double x, double y, double p1, double p2);
    }

    /**
     * The ONNX node that computes a unary op.
     *
     * @param op              the ONNX operator, e.g. {@code Relu}
     * @param sinceOpset      the first opset that has it in this form
     * @param parameterInputs how many of (p1, p2) are passed as constant scalar inputs after x (Pow's exponent,
     *                        Clip's bounds), 0 … 2
     * @param p1Attribute     the float attribute that carries p1 (Elu's {@code alpha}), or null
     * @param attributes      fixed string attributes (Gelu's {@code approximate})
     */
    public record Onnx(String op, int sinceOpset, int parameterInputs, String p1Attribute,
                       Map<String, String> attributes) {

        /**
         * {@return a node of this operator with no parameters, in opset 17}
         *
         * @param op the ONNX operator
         */
        static Onnx of(String op) {
            return new Onnx(op, 17, 0, null, Map.of());
        }

        /**
         * {@return a node whose float attribute carries p1, in opset 17}
         *
         * @param op        the ONNX operator
         * @param attribute the attribute's name
         */
        static Onnx withAttribute(String op, String attribute) {
            return new Onnx(op, 17, 0, attribute, Map.of());
        }

        /**
         * {@return a node that takes p1 (and p2) as constant inputs, in opset 17}
         *
         * @param op    the ONNX operator
         * @param count how many parameters
         */
        static Onnx withParameterInputs(String op, int count) {
            return new Onnx(op, 17, count, null, Map.of());
        }
    }

    private final String parameterName;
    private final boolean fusable;
    private final Onnx onnx;
    private final Formula reference;
    private final Derivative derivative;

    UnaryOp(String parameterName, boolean fusable, Onnx onnx, Formula reference, Derivative derivative) {
        this.parameterName = parameterName;
        this.fusable = fusable;
        this.onnx = onnx;
        this.reference = reference;
        this.derivative = derivative;
    }

    /** {@return the name of p1 ({@code alpha}, {@code negative_slope}, …), or null for an op without parameters} */
    public String parameterName() {
        return parameterName;
    }

    /**
     * {@return whether this is an activation: a function of one element whose derivative the unfused path computes
     * from x or y, so a convolution may apply it as its {@link Epilogue}}
     */
    public boolean fusable() {
        return fusable;
    }

    /** {@return the ONNX node computing this op, or null when it has none} */
    public Onnx onnx() {
        return onnx;
    }

    /**
     * {@return f(x; p1, p2) in double: the specification}
     *
     * @param x  the argument
     * @param p1 the first parameter
     * @param p2 the second parameter
     */
    public double reference(double x, double p1, double p2) {
        return reference.at(x, p1, p2);
    }

    /**
     * {@return f′(x; p1, p2) in double: the specification of the backward pass}
     *
     * @param x  the argument
     * @param y  f(x)
     * @param p1 the first parameter
     * @param p2 the second parameter
     */
    public double derivative(double x, double y, double p1, double p2) {
        return derivative.at(x, y, p1, p2);
    }

    /** {@return the op's name in the field's words, lower case: {@code relu}, {@code leaky_relu}, …} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
