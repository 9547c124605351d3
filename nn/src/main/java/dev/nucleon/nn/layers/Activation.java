package dev.nucleon.nn.layers;

import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.core.ops.Arithmetic;
import dev.nucleon.nn.Module;

/**
 * An activation layer: {@code y = f(x; p1)} elementwise for any activation row of the {@link UnaryOp} table
 * ({@link UnaryOp#fusable()}: relu, elu, leaky_relu, sigmoid, tanh, …); any shape → the same shape. A convolution
 * may apply it as its epilogue ({@link Conv2d#fuseActivation}) and the ONNX exporter writes the node the table
 * names. {@link ReLU}, {@link ELU}, {@link LeakyReLU} and {@link Sigmoid} are this layer with their usual names and
 * defaults; {@code new Activation(UnaryOp.TANH)} needs no class of its own.
 */
public class Activation extends Module implements ElementwiseActivation {

    private final UnaryOp op;
    private final float p1;

    /**
     * The activation {@code op} with parameter {@code p1}.
     *
     * @param op the function, an activation of the table
     * @param p1 its parameter (ELU's alpha, leaky ReLU's negative slope), ignored by functions without one
     * @throws IllegalArgumentException when {@code op} is not an activation ({@link UnaryOp#fusable()})
     */
    public Activation(UnaryOp op, float p1) {
        if (!op.fusable()) {
            throw new IllegalArgumentException("Activation: " + op.label() + " is not an activation (allowed: "
                    + Epilogue.ACTIVATIONS + ")");
        }
        this.op = op;
        this.p1 = p1;
    }

    /**
     * The activation {@code op} without a parameter (relu, sigmoid, tanh, …).
     *
     * @param op the function, an activation of the table
     * @throws IllegalArgumentException when {@code op} is not an activation
     */
    public Activation(UnaryOp op) {
        this(op, 0f);
    }

    /**
     * {@return a layer computing {@code op} with {@code p1}: {@link ReLU}, {@link ELU}, {@link LeakyReLU} or
     * {@link Sigmoid} for those rows (their usual names in summaries), a plain {@code Activation} for any other}
     *
     * @param op the function, an activation of the table
     * @param p1 its parameter, ignored by functions without one
     * @throws IllegalArgumentException when {@code op} is not an activation
     */
    public static Activation of(UnaryOp op, float p1) {
        return switch (op) {
            case RELU -> new ReLU();
            case ELU -> new ELU(p1);
            case LEAKY_RELU -> new LeakyReLU(p1);
            case SIGMOID -> new Sigmoid();
            default -> new Activation(op, p1);
        };
    }

    @Override
    protected Tensor compute(Tensor x) {
        return Arithmetic.unary(op, p1, 0f, x);
    }

    /** {@return the table's name for a layer of this class itself (e.g. {@code tanh}); the class name for the named subclasses} */
    @Override
    public String typeName() {
        return getClass() == Activation.class ? op.label() : super.typeName();
    }

    @Override
    protected String extraRepr() {
        return op.parameterName() == null ? "" : op.parameterName() + "=" + p1;
    }

    /** {@return the function} */
    public UnaryOp op() {
        return op;
    }

    /** {@return its parameter (0 for functions without one)} */
    public float p1() {
        return p1;
    }

    @Override
    public Epilogue epilogue() {
        return new Epilogue(op, p1);
    }
}
