package dev.nucleon.core;

/**
 * One node of the autograd graph: the op that produced a tensor (a typed {@link Op} record), its inputs and its
 * output. Its gradient rule is the op's entry in {@link GradientRules}. {@link #release()} drops the inputs, the
 * output and whatever the record saved once the rule has run, so those buffers can be freed while the rest of the
 * backward pass runs.
 */
public final class GradNode {

    private String name;
    private Op op;
    private Tensor[] inputs;
    private Tensor output;

    GradNode(Op op, Tensor[] inputs, Tensor output) {
        this.op = op;
        this.inputs = inputs;
        this.output = output;
    }

    /** {@return the op's name, e.g. {@code "conv2d"}} */
    public String name() {
        return op != null ? op.name() : name;
    }

    /**
     * {@return the op as recorded, e.g. {@code Conv2d(geometry, epilogue)}}
     *
     * @throws IllegalStateException when an earlier backward pass already ran through this node
     */
    public Op op() {
        inputs();
        return op;
    }

    Tensor[] inputs() {
        if (inputs == null) {
            throw new IllegalStateException("backward: the graph through '" + name() + "' was already used by an earlier"
                    + " backward() and its buffers are freed; recompute the forward pass");
        }
        return inputs;
    }

    Tensor[] apply(Tensor gradOutput) {
        return GradientRules.backward(op(), inputs(), output, gradOutput);
    }

    boolean released() {
        return inputs == null;
    }

    void release() {
        if (op != null) {
            name = op.name();
        }
        inputs = null;
        output = null;
        op = null;
    }
}
