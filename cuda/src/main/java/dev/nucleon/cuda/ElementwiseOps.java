package dev.nucleon.cuda;

import dev.nucleon.core.backend.AdamStep;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.RandomDistribution;
import dev.nucleon.core.backend.SgdStep;
import dev.nucleon.core.backend.UnaryOp;

import java.util.List;

import static dev.nucleon.cuda.Kernel.Param.F32;
import static dev.nucleon.cuda.Kernel.Param.I32;
import static dev.nucleon.cuda.Kernel.Param.I64;
import static dev.nucleon.cuda.Kernel.Param.PTR;

/** Launches the kernels of {@code elementwise.cu}: unary functions, their gradients, random fills, broadcast binaries, fused optimizer steps. */
final class ElementwiseOps {

    static final Kernel UNARY_FORWARD = Kernel.of("elementwise", "unary_forward", I32, F32, F32, PTR, PTR, I64);
    static final Kernel UNARY_BACKWARD = Kernel.of("elementwise", "unary_backward", I32, F32, F32, PTR, PTR, PTR, PTR, I64);
    static final Kernel FILL_RANDOM = Kernel.of("elementwise", "fill_random", I32, I64, F32, F32, PTR, I64);
    static final Kernel BINARY_SAME_SHAPE = Kernel.of("elementwise", "binary_same_shape", I32, PTR, PTR, PTR, I64);
    static final Kernel BINARY_BROADCAST = Kernel.of("elementwise", "binary_broadcast", I32, ShapeTables.WALK2, PTR, PTR, PTR, I64);
    static final Kernel ADAM_UPDATE = Kernel.of("elementwise", "adam_update", PTR, PTR, PTR, PTR,
            F32, F32, F32, F32, F32, F32, F32, F32, F32, F32, I64);
    static final Kernel SGD_UPDATE = Kernel.of("elementwise", "sgd_update", PTR, PTR, PTR, F32, F32, F32, F32, I32, I32, I64);

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.of(UNARY_FORWARD, UNARY_BACKWARD, FILL_RANDOM, BINARY_SAME_SHAPE, BINARY_BROADCAST,
            ADAM_UPDATE, SGD_UPDATE);

    private final CudaContext context;

    ElementwiseOps(CudaContext context) {
        this.context = context;
    }

    void unary(UnaryOp op, float p1, float p2, CudaStorage x, CudaStorage y) {
        long n = x.size();
        if (n > 0) {
            UNARY_FORWARD.launch(context, Grid.linear(n), op.ordinal(), p1, p2, x, y, n);
        }
    }

    void unaryBackward(UnaryOp op, float p1, float p2, CudaStorage x, CudaStorage y, CudaStorage gy, CudaStorage gx) {
        long n = x.size();
        if (n > 0) {
            UNARY_BACKWARD.launch(context, Grid.linear(n), op.ordinal(), p1, p2, x, y, gy, gx, n);
        }
    }

    void fillRandom(CudaStorage target, RandomDistribution distribution, long seed, float p1, float p2) {
        long n = target.size();
        if (n > 0) {
            FILL_RANDOM.launch(context, Grid.linear(n), distribution.ordinal(), seed, p1, p2, target, n);
        }
    }

    /** out = op(a, b); the shapes have equal rank (Backend.binary), a broadcast operand has 1 along the axis. */
    void binary(BinaryOp op, CudaStorage a, int[] aShape, CudaStorage b, int[] bShape, CudaStorage out, int[] outShape) {
        long n = out.size();
        if (n == 0) {
            return;
        }
        if (a.size() == n && b.size() == n) {
            BINARY_SAME_SHAPE.launch(context, Grid.linear(n), op.ordinal(), a, b, out, n);
            return;
        }
        ShapeTables.Dims walk = ShapeTables.coalesce(outShape,
                ShapeTables.broadcast(aShape, outShape), ShapeTables.broadcast(bShape, outShape));
        BINARY_BROADCAST.launch(context, Grid.linear(n), op.ordinal(), ShapeTables.walk2("binary " + op, walk), a, b, out, n);
    }

    void adamUpdate(CudaStorage theta, CudaStorage grad, CudaStorage m, CudaStorage v, AdamStep s) {
        long n = theta.size();
        if (n > 0) {
            ADAM_UPDATE.launch(context, Grid.linear(n), theta, grad, m, v, s.lr(), s.beta1(), s.oneMinusBeta1(), s.beta2(),
                    s.oneMinusBeta2(), s.eps(), s.correction1(), s.correction2(), s.l2(), s.decay(), n);
        }
    }

    /** {@code buffer} may be null when the step has no momentum (the kernel then never touches it). */
    void sgdUpdate(CudaStorage theta, CudaStorage grad, CudaStorage buffer, SgdStep s) {
        long n = theta.size();
        if (n > 0) {
            SGD_UPDATE.launch(context, Grid.linear(n), theta, grad, Kernel.orNull(buffer), s.lr(),
                    s.momentum(), s.oneMinusDampening(), s.weightDecay(), s.nesterov() ? 1 : 0, s.firstStep() ? 1 : 0, n);
        }
    }
}
