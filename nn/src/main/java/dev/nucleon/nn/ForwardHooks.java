package dev.nucleon.nn;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Shaping;

import java.util.function.Supplier;

/**
 * How a call to {@link Module#forward} runs: straight into the module's {@code compute}, or through a
 * {@link ForwardHook} that sees it. Three tools watch forward calls from outside the network's code: ONNX export
 * (which layer made which op), {@link Module#summary(int...) the summary} (each layer's output shape) and the
 * {@link InferencePlan} (which activation's last reader has run). A module itself needs none of this, so it lives
 * here rather than in {@link Module}, whose {@code forward} is one call to {@link #forward}.
 *
 * <p>A hook is installed for one thread and one piece of work ({@link #with}), or attached to one module instance
 * for every thread ({@link #attach}: the inference plan on a network's root); a thread's hook wins.
 *
 * <p><b>Forward over a concatenation.</b> {@link #forwardConcat} is {@code forward(concat(1, parts))}: without a
 * hook, a module that can read the parts in place (a {@link ConcatReader}, e.g. a leading convolution) never builds
 * the concatenation. A hook sees the concatenation built and passed to {@code forward}, the call it expects,
 * unless it {@linkplain ForwardHook#readsPartsInPlace() asks for the parts}.
 */
public final class ForwardHooks {

    /** A wrapper around forward calls; see the class comment. */
    @FunctionalInterface
    public interface ForwardHook {
        /**
         * Wraps one forward call.
         *
         * @param module  the module called
         * @param input   its input
         * @param compute runs the module's computation; call it exactly once and return its result
         * @return the value {@code compute} returned
         */
        Tensor around(Module module, Tensor input, Supplier<Tensor> compute);

        /**
         * {@return whether a forward over a concatenation may read the parts in place while this hook is installed
         * (it is then shown the parts through {@link #aroundConcat}); false (the default) has the concatenation built
         * and passed to {@link #around}}
         */
        default boolean readsPartsInPlace() {
            return false;
        }

        /**
         * Wraps one forward call over the channel-axis concatenation of {@code parts}, when
         * {@link #readsPartsInPlace()}.
         *
         * @param module  the module called
         * @param parts   its input, in parts
         * @param compute runs the module's computation; call it exactly once and return its result
         * @return the value {@code compute} returned
         */
        default Tensor aroundConcat(Module module, Tensor[] parts, Supplier<Tensor> compute) {
            return compute.get();
        }
    }

    private static final ThreadLocal<ForwardHook> CURRENT = new ThreadLocal<>();

    private ForwardHooks() {
    }

    /**
     * Runs {@code body} with {@code hook} around every forward call on this thread, then restores the previous.
     *
     * @param <T>  the body's result type
     * @param hook the hook
     * @param body the work to run with it
     * @return what {@code body} returned
     */
    public static <T> T with(ForwardHook hook, Supplier<T> body) {
        ForwardHook previous = CURRENT.get();
        CURRENT.set(hook);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /**
     * Puts {@code hook} around every forward call of this module instance (not of its children) on every thread
     * where no hook is installed with {@link #with}; null detaches. Attach before threads use the module.
     *
     * @param module the module
     * @param hook   the hook, or null
     */
    public static void attach(Module module, ForwardHook hook) {
        module.attachedHook = hook;
    }

    /**
     * {@return the hook {@link #attach attached} to {@code module}, or null}
     *
     * @param module the module
     */
    public static ForwardHook attached(Module module) {
        return module.attachedHook;
    }

    /** {@link Module#forward}: the module's computation, through the hook in force. */
    static Tensor forward(Module module, Tensor x) {
        ForwardHook hook = hookFor(module);
        return hook == null ? module.compute(x) : hook.around(module, x, () -> module.compute(x));
    }

    /** {@link Module#forwardConcat}: see the class comment. */
    static Tensor forwardConcat(Module module, Tensor[] parts) {
        if (parts.length == 1) {
            return forward(module, parts[0]);
        }
        ForwardHook hook = hookFor(module);
        if (hook == null) {
            return readInPlace(module, parts);
        }
        if (hook.readsPartsInPlace()) {
            return hook.aroundConcat(module, parts, () -> readInPlace(module, parts));
        }
        return forward(module, Shaping.concat(1, parts));
    }

    /** The module's in-place read of the parts, or forward over their concatenation where it has none. */
    private static Tensor readInPlace(Module module, Tensor[] parts) {
        Tensor y = module instanceof ConcatReader r ? r.computeConcat(parts) : null;
        return y != null ? y : forward(module, Shaping.concat(1, parts));
    }

    private static ForwardHook hookFor(Module module) {
        ForwardHook hook = CURRENT.get();
        return hook != null ? hook : module.attachedHook;
    }
}
