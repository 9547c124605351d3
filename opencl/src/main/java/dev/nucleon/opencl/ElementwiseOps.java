package dev.nucleon.opencl;

import dev.nucleon.core.backend.AdamStep;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.SgdStep;
import dev.nucleon.core.backend.UnaryOp;

import java.util.Arrays;

/** Launches the kernels of {@code elementwise.cl}: unary ops and their backward, broadcast binaries, optimizer steps. */
final class ElementwiseOps {

    private final OpenClContext context;

    ElementwiseOps(OpenClContext context) {
        this.context = context;
    }

    private static long[] global(long n) {
        return new long[] {OpenClContext.linear(n)};
    }

    void unary(UnaryOp op, float p1, float p2, OpenClStorage x, OpenClStorage y) {
        long n = x.size();
        if (n > 0) {
            context.launch("elementwise", "unary_forward", global(n), null, op.ordinal(), p1, p2, x, y, n);
        }
    }

    void unaryBackward(UnaryOp op, float p1, float p2, OpenClStorage x, OpenClStorage y, OpenClStorage gy, OpenClStorage gx) {
        long n = x.size();
        if (n > 0) {
            context.launch("elementwise", "unary_backward", global(n), null, op.ordinal(), p1, p2, x, y, gy, gx, n);
        }
    }

    void binary(BinaryOp op, OpenClStorage a, int[] aShape, OpenClStorage b, int[] bShape, OpenClStorage out, int[] outShape) {
        long n = dev.nucleon.core.Shape.numel(outShape);
        if (n == 0) {
            return;
        }
        if (Arrays.equals(aShape, outShape) && Arrays.equals(bShape, outShape)) {
            context.launch("elementwise", "binary_same_shape", global(n), null, op.ordinal(), a, b, out, n);
            return;
        }
        Walk walk = Walk.of(outShape, Walk.broadcast(aShape, outShape), Walk.broadcast(bShape, outShape));
        context.launch("elementwise", "binary_broadcast", global(n), null, op.ordinal(), walk.table("binary " + op), a, b, out, n);
    }

    void adamUpdate(OpenClStorage theta, OpenClStorage grad, OpenClStorage m, OpenClStorage v, AdamStep s) {
        long n = theta.size();
        if (n > 0) {
            context.launch("elementwise", "adam_update", global(n), null, theta, grad, m, v, s.lr(), s.beta1(),
                    s.oneMinusBeta1(), s.beta2(), s.oneMinusBeta2(), s.eps(), s.correction1(), s.correction2(), s.l2(),
                    s.decay(), n);
        }
    }

    /** {@code buffer} may be null without momentum; the kernel then never touches it (theta stands in for it). */
    void sgdUpdate(OpenClStorage theta, OpenClStorage grad, OpenClStorage buffer, SgdStep s) {
        long n = theta.size();
        if (n > 0) {
            context.launch("elementwise", "sgd_update", global(n), null, theta, grad, buffer == null ? theta : buffer,
                    s.lr(), s.momentum(), s.oneMinusDampening(), s.weightDecay(), s.nesterov() ? 1 : 0,
                    s.firstStep() ? 1 : 0, n);
        }
    }
}
