package dev.nucleon.core;

/**
 * One edge set of the autograd graph: the op that produced a tensor, its inputs, and its gradient rule.
 * The rule's closure holds whatever the backward pass needs (inputs, outputs, masks); {@link #release()}
 * drops it once used so those buffers can be freed while the rest of the backward pass runs.
 */
public final class GradNode {

    private final String op;
    private Tensor[] inputs;
    private BackwardFunction backward;

    GradNode(String op, Tensor[] inputs, BackwardFunction backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    /** {@return the op's name, e.g. {@code "conv2d"}} */
    public String op() {
        return op;
    }

    Tensor[] inputs() {
        if (inputs == null) {
            throw new IllegalStateException("backward: the graph through '" + op + "' was already used by an earlier"
                    + " backward() and its buffers are freed; recompute the forward pass");
        }
        return inputs;
    }

    Tensor[] apply(Tensor gradOutput) {
        inputs();
        return backward.apply(gradOutput);
    }

    boolean released() {
        return inputs == null;
    }

    void release() {
        inputs = null;
        backward = null;
    }
}
