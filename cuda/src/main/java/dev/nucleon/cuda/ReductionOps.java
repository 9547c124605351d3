package dev.nucleon.cuda;

import dev.nucleon.core.ReduceOp;

import java.util.List;

/** Launches the kernels of {@code reduce.cu}: axis reductions, softmax and the negative log-likelihood. */
final class ReductionOps {

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.of();

    private final CudaContext context;

    ReductionOps(CudaContext context) {
        this.context = context;
    }

    void reduce(ReduceOp op, CudaStorage x, int[] xShape, CudaStorage out, int[] outShape) {
        throw Unimplemented.op("reduce " + op);
    }

    void softmax(CudaStorage x, CudaStorage y, int outer, int dim, int inner, boolean log) {
        throw Unimplemented.op("softmax");
    }

    void softmaxBackward(CudaStorage y, CudaStorage gy, CudaStorage gx, int outer, int dim, int inner, boolean log) {
        throw Unimplemented.op("softmax backward");
    }

    void nllLoss(CudaStorage logp, CudaStorage target, CudaStorage loss, int outer, int classes, int inner) {
        throw Unimplemented.op("nll loss");
    }

    void nllLossBackward(CudaStorage target, CudaStorage gLoss, CudaStorage gLogp, int outer, int classes, int inner) {
        throw Unimplemented.op("nll loss backward");
    }
}
