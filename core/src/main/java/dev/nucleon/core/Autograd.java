package dev.nucleon.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation.
 *
 * <p>Every op that has an input with {@code requiresGrad} records a {@link GradNode} on its output: the op as a
 * typed {@link Op} record, its inputs and its output (see {@link #record}). {@link #backward(Tensor, Tensor)}
 * orders the graph topologically with an explicit stack (no recursion, so graphs hundreds of layers deep are
 * fine), then walks it from the output back, calling each node's gradient rule ({@link GradientRules}) once with
 * the sum of the gradients that reached it. Gradients of leaves
 * (tensors created by the user with {@code requiresGrad}) accumulate into {@link Tensor#grad()}; gradients of
 * intermediate tensors are dropped as soon as their node has run, and every node releases its saved
 * buffers right after, so peak memory falls during the backward pass.
 */
public final class Autograd {

    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {
    }

    /** A scope with gradient recording off; closing it restores the previous state. */
    public static final class NoGradScope implements AutoCloseable {
        private boolean closed;

        private NoGradScope() {
            NO_GRAD_DEPTH.get()[0]++;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                NO_GRAD_DEPTH.get()[0]--;
            }
        }
    }

    /**
     * Opens a scope in which no op is recorded for backward, on this thread only (scopes nest):
     * {@code try (var scope = Autograd.noGrad()) { ... }}.
     *
     * @return the scope; closing it (once, on the thread that opened it) ends it
     */
    public static NoGradScope noGrad() {
        return new NoGradScope();
    }

    /** {@return false inside a {@link #noGrad()} scope} */
    public static boolean isGradEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /**
     * Sees every op that goes through {@link #record} on this thread, recorded for backward or not (graph
     * export traces a forward pass with one, e.g. to capture the concatenations and additions a network does
     * in its own code). Inputs may contain null (an absent bias).
     */
    @FunctionalInterface
    public interface OpObserver {
        /**
         * Called after each op.
         *
         * @param op     the op, e.g. {@code Op.Conv2d(geometry, epilogue)} or {@code Op.Concat(1)}
         * @param output its result
         * @param inputs its inputs (may contain null)
         */
        void onOp(Op op, Tensor output, Tensor[] inputs);
    }

    private static final ThreadLocal<OpObserver> OBSERVER = new ThreadLocal<>();

    /**
     * Installs {@code observer} for this thread until the returned scope is closed (which restores the previous
     * one): {@code try (var scope = Autograd.observe(o)) { model.forward(x); }}.
     *
     * @param observer the observer
     * @return the scope; close it on this thread
     */
    public static ObserverScope observe(OpObserver observer) {
        OpObserver previous = OBSERVER.get();
        OBSERVER.set(observer);
        return new ObserverScope(previous);
    }

    /** {@return whether an {@link OpObserver} is installed on this thread (it may keep the tensors it sees)} */
    public static boolean isObserved() {
        return OBSERVER.get() != null;
    }

    /** Restores the previous {@link OpObserver} on close. */
    public static final class ObserverScope implements AutoCloseable {
        private final OpObserver previous;

        private ObserverScope(OpObserver previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous == null) {
                OBSERVER.remove();
            } else {
                OBSERVER.set(previous);
            }
        }
    }

    /**
     * {@return true when an op on these inputs must be recorded}
     *
     * @param inputs an op's inputs (may contain null)
     */
    public static boolean needsGrad(Tensor... inputs) {
        if (!isGradEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Shows the op to this thread's {@link OpObserver}, if any, and attaches a graph node ({@code op}, the inputs,
     * the output) to {@code output} when any input requires a gradient (and recording is on); returns
     * {@code output}. Its gradient rule is {@code op}'s in {@link GradientRules}. Null inputs (an absent bias) are
     * allowed; their gradient slot is ignored.
     *
     * @param output the op's result
     * @param op     what the op did, with what its gradient rule needs
     * @param inputs the op's inputs, in the order its gradient rule expects
     * @return {@code output}
     */
    public static Tensor record(Tensor output, Op op, Tensor... inputs) {
        OpObserver observer = OBSERVER.get();
        if (observer != null) {
            observer.onOp(op, output, inputs);
        }
        if (needsGrad(inputs)) {
            output.attach(new GradNode(op, inputs.clone(), output));
        }
        return output;
    }

    /**
     * Computes ∂root/∂leaf for every leaf that requires a gradient, seeded with {@code seed} (same shape as
     * root; ones for a scalar root when null), and adds it into each leaf's {@link Tensor#grad()}.
     *
     * @param root the tensor differentiated
     * @param seed ∂L/∂root, or null for a scalar root
     */
    public static void backward(Tensor root, Tensor seed) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: tensor " + Shape.str(root.shape())
                    + " does not require grad (no input of the ops that made it had requiresGrad)");
        }
        if (seed == null) {
            if (root.numel() != 1) {
                throw new IllegalArgumentException("backward: output has shape " + Shape.str(root.shape())
                        + "; pass a seed gradient of that shape, or reduce it to a scalar first");
            }
            seed = Tensor.full(1f, root.shape()).to(root.device());
        } else if (!Arrays.equals(seed.shape(), root.shape())) {
            throw new IllegalArgumentException("backward: seed gradient has shape " + Shape.str(seed.shape())
                    + ", expected the output's shape " + Shape.str(root.shape()));
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> pending = new IdentityHashMap<>();
        pending.put(root, seed.detach());
        try (NoGradScope ignored = noGrad()) {
            if (root.gradNode() == null) { // backward on a leaf itself
                root.accumulateGrad(pending.remove(root));
                return;
            }
            for (Tensor t : order) {
                GradNode node = t.gradNode();
                Tensor grad = pending.remove(t);
                if (grad == null) {
                    continue;
                }
                Tensor[] inputs = node.inputs();
                Tensor[] grads = node.apply(grad);
                if (grads.length != inputs.length) {
                    throw new IllegalStateException("backward of " + node.name() + " returned " + grads.length
                            + " gradients for " + inputs.length + " inputs");
                }
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    Tensor g = grads[i];
                    if (in == null || g == null || !in.requiresGrad()) {
                        continue;
                    }
                    if (!Arrays.equals(g.shape(), in.shape())) {
                        throw new IllegalStateException("backward of " + node.name() + ": gradient for input " + i
                                + " has shape " + Shape.str(g.shape()) + ", input has " + Shape.str(in.shape()));
                    }
                    if (in.gradNode() == null) {
                        in.accumulateGrad(g);
                    } else {
                        pending.merge(in, g, Tensor::add);
                    }
                }
                node.release();
            }
        }
    }

    /** Non-leaf tensors reachable from root, each after every tensor that consumes it (root first). */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> postOrder = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>(); // {tensor, next input index}
        if (root.gradNode() != null) {
            visited.add(root);
            stack.push(new Object[] {root, 0});
        }
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            Tensor[] inputs = t.gradNode().inputs();
            int i = (Integer) frame[1];
            if (i < inputs.length) {
                frame[1] = i + 1;
                Tensor in = inputs[i];
                if (in != null && in.gradNode() != null && in.requiresGrad() && visited.add(in)) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                postOrder.add(t);
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }
}
