package dev.nucleon.core;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.ops.Arithmetic;
import dev.nucleon.core.ops.LinearAlgebra;
import dev.nucleon.core.ops.Reductions;
import dev.nucleon.core.ops.Shaping;

/**
 * Every gradient rule of the autograd graph, one per {@link Op} record, in the order {@code Op} declares them:
 * given g = ∂L/∂y for an op's output y, each returns ∂L/∂input for each recorded input ({@code null} where none is
 * needed). They run with recording off ({@link Autograd#backward}), so the Tensor ops used here build no graph.
 *
 * <p>Most rules are written in Tensor ops. Where the backward pass has a kernel of its own (the derivative of an
 * activation, the adjoints of convolution and pooling, batch norm, softmax, up-sampling, the NLL loss), the rule
 * calls that {@link Backend} method — the comment says so — so a backend keeps its fused, fast backward; the
 * backend's default for that method composes it from primitives ({@code dev.nucleon.core.composed}).
 *
 * <p>Broadcasting: the gradient of an operand that was broadcast is summed back to its shape ({@code sumTo}).
 */
public final class GradientRules {

    private GradientRules() {
    }

    /**
     * {@return ∂L/∂input for each input of one recorded op, each of that input's shape or null}
     *
     * @param op     the op, as recorded
     * @param in     its inputs, in the order recorded (an absent bias is null)
     * @param y      its output
     * @param g      ∂L/∂y, of y's shape
     * @throws IllegalStateException for an op recorded without a backward pass (a fused inference op)
     */
    static Tensor[] backward(Op op, Tensor[] in, Tensor y, Tensor g) {
        // ----- elementwise -----
        if (op instanceof Op.Unary u) {
            // ∂x = g · f'(x; p1, p2), f' from the table in UnaryOp (some read y = f(x): exp, sqrt, sigmoid, tanh, elu).
            // Kernel: Backend.unaryBackward (one fused pass; composed default ComposedElementwise).
            Tensor x = in[0];
            Tensor gx = Tensor.zeros(x.backend(), x.shape());
            x.backend().unaryBackward(u.op(), u.p1(), u.p2(), x.storage(), y.storage(), g.storage(), gx.storage());
            return new Tensor[] {gx};
        }
        if (op instanceof Op.Binary b) {
            Tensor x0 = in[0];
            Tensor x1 = in[1];
            return switch (b.op()) {
                // y = a + b:  ∂a = g,  ∂b = g
                case ADD -> new Tensor[] {sumTo(g, x0), sumTo(g, x1)};
                // y = a − b:  ∂a = g,  ∂b = −g
                case SUB -> new Tensor[] {sumTo(g, x0), x1.requiresGrad() ? sumTo(g.neg(), x1) : null};
                // y = a · b:  ∂a = g · b,  ∂b = g · a
                case MUL -> new Tensor[] {x0.requiresGrad() ? sumTo(g.mul(x1), x0) : null,
                        x1.requiresGrad() ? sumTo(g.mul(x0), x1) : null};
                // y = a / b:  ∂a = g / b,  ∂b = −g · a/b² = −g · y / b
                case DIV -> new Tensor[] {x0.requiresGrad() ? sumTo(g.div(x1), x0) : null,
                        x1.requiresGrad() ? sumTo(g.mul(y).div(x1).neg(), x1) : null};
                default -> throw noRule(op);
            };
        }
        if (op instanceof Op.MatMul m) {
            Tensor a = in[0];
            Tensor b = in[1];
            // y = op(a) · op(b):  ∂a = g · op(b)ᵀ (transposed back when a was read transposed),
            //                      ∂b = op(a)ᵀ · g; each summed over a batch it was shared across
            boolean ta = m.transA();
            boolean tb = m.transB();
            return new Tensor[] {
                a.requiresGrad() ? sumTo(ta ? LinearAlgebra.product(b, tb, g, true) : LinearAlgebra.product(g, false, b, !tb), a) : null,
                b.requiresGrad() ? sumTo(tb ? LinearAlgebra.product(g, true, a, ta) : LinearAlgebra.product(a, !ta, g, false), b) : null};
        }

        // ----- convolution, pooling, normalisation, resampling -----
        if (op instanceof Op.Conv2d c) {
            requireUnfused(op, c.epilogue());
            ConvGeometry geo = c.geometry();
            Tensor x = in[0];
            Tensor w = in[1];
            Tensor bias = in[2];
            // y = conv(x, w) + b:  ∂x = convᵀ(g, w)  (kernel: Backend.conv2dBackwardData)
            //                      ∂w = Σₙ g ⋆ x     (kernel: Backend.conv2dBackwardWeight)
            //                      ∂b = Σ_{n,h,w} g
            return new Tensor[] {
                x.requiresGrad() ? convBackwardData(geo, g, w) : null,
                w.requiresGrad() ? convBackwardWeight(geo, x, g) : null,
                bias != null && bias.requiresGrad() ? Reductions.sum(g, new int[] {0, 2, 3}, false) : null};
        }
        if (op instanceof Op.ConvTranspose2d c) {
            requireUnfused(op, c.epilogue());
            ConvGeometry geo = c.geometry(); // the convolution whose backward-data pass this op is
            Tensor x = in[0];
            Tensor w = in[1];
            Tensor bias = in[2];
            // y = convᵀ(x, w) + b:  ∂x = conv(g, w)     (kernel: Backend.conv2d)
            //                       ∂w = Σₙ x ⋆ g       (kernel: Backend.conv2dBackwardWeight, roles exchanged)
            //                       ∂b = Σ_{n,h,w} g
            return new Tensor[] {
                x.requiresGrad() ? convForward(geo, g, w) : null,
                w.requiresGrad() ? convBackwardWeight(geo, g, x) : null,
                bias != null && bias.requiresGrad() ? Reductions.sum(g, new int[] {0, 2, 3}, false) : null};
        }
        if (op instanceof Op.MaxPool2d p) {
            // ∂x = g routed to the first maximum of each window (kernel: Backend.maxPool2dBackward)
            Tensor x = in[0];
            Tensor gx = Tensor.zeros(x.backend(), x.shape());
            x.backend().maxPool2dBackward(p.geometry(), x.storage(), g.storage(), gx.storage());
            return new Tensor[] {gx};
        }
        if (op instanceof Op.AvgPool2d p) {
            // ∂x = each window's g shared equally among its cells (kernel: Backend.avgPool2dBackward)
            Tensor x = in[0];
            Tensor gx = Tensor.zeros(x.backend(), x.shape());
            x.backend().avgPool2dBackward(p.geometry(), g.storage(), gx.storage());
            return new Tensor[] {gx};
        }
        if (op instanceof Op.BatchNorm2d bn) {
            // x̂ = (x − μ)·invStd, y = γ·x̂ + β:  ∂β = Σ g,  ∂γ = Σ g·x̂,
            // ∂x = γ·invStd·(g − mean(g) − x̂·mean(g·x̂)) in training (μ, σ² depend on x), γ·invStd·g in inference.
            // Kernel: Backend.batchNormBackward (one pass for all three).
            Tensor x = in[0];
            Tensor gamma = in[3];
            Tensor beta = in[4];
            int[] s = x.shape();
            Tensor gx = x.requiresGrad() ? Tensor.zeros(x.backend(), s) : null;
            Tensor gGamma = gamma != null && gamma.requiresGrad() ? Tensor.zeros(x.backend(), s[1]) : null;
            Tensor gBeta = beta != null && beta.requiresGrad() ? Tensor.zeros(x.backend(), s[1]) : null;
            x.backend().batchNormBackward(x.storage(), g.storage(), s[0], s[1], s[2] * s[3], bn.mean().storage(),
                    bn.invStd().storage(), bn.scale().storage(), bn.training(), storage(gx), storage(gGamma),
                    storage(gBeta));
            return new Tensor[] {gx, null, null, gGamma, gBeta};
        }
        if (op instanceof Op.Upsample u) {
            // ∂x = the sum of g over the output cells each input cell contributed to, with its weights
            // (kernel: Backend.upsampleBackward)
            Tensor x = in[0];
            int[] s = x.shape();
            Tensor gx = Tensor.zeros(x.backend(), s);
            x.backend().upsampleBackward(u.mode(), s[0], s[1], s[2], s[3], u.factor(), g.storage(), gx.storage());
            return new Tensor[] {gx};
        }
        if (op instanceof Op.Softmax sm) {
            // softmax:     ∂x = y ⊙ (g − Σ_axis g ⊙ y)
            // log-softmax: ∂x = g − eʸ · Σ_axis g
            // (kernel: Backend.softmaxBackward)
            Tensor x = in[0];
            int[] s = x.shape();
            int a = sm.axis();
            Tensor gx = Tensor.zeros(x.backend(), s);
            x.backend().softmaxBackward(y.storage(), g.storage(), gx.storage(), Shape.product(s, 0, a), s[a],
                    Shape.product(s, a + 1, s.length), sm.log());
            return new Tensor[] {gx};
        }

        // ----- reductions -----
        if (op instanceof Op.Sum r) {
            // y = Σ x:  ∂x = g broadcast back over the reduced axes
            return new Tensor[] {Shaping.expand(g.reshape(r.keptShape()), in[0].shape())};
        }
        if (op instanceof Op.Max r) {
            // y = max x:  ∂x = g where x == y, shared equally among tied maxima (PyTorch's amax)
            Tensor x = in[0];
            Tensor mask = Arithmetic.binary("max", BinaryOp.EQ, x, y);
            Tensor ties = Reductions.sumTo(mask, r.keptShape());
            return new Tensor[] {mask.mul(g.reshape(r.keptShape()).div(ties))};
        }

        // ----- shape and layout -----
        if (op instanceof Op.Reshape) {
            // a view:  ∂x = g viewed with x's shape
            return new Tensor[] {Shaping.reshape(g, in[0].shape())};
        }
        if (op instanceof Op.Permute p) {
            // ∂x = g permuted by the inverse permutation
            int[] inverse = new int[p.perm().length];
            for (int d = 0; d < inverse.length; d++) {
                inverse[p.perm()[d]] = d;
            }
            return new Tensor[] {Shaping.permute(g, inverse)};
        }
        if (op instanceof Op.Crop c) {
            // ∂x = zeros of x's shape with g written back into the box (the same copy, source and target swapped)
            Tensor x = in[0];
            int[] size = g.shape();
            Tensor gx = Tensor.zeros(g.backend(), x.shape());
            g.backend().copyRegion(g.storage(), size, new int[size.length], gx.storage(), x.shape(), c.start().clone(),
                    size, false);
            return new Tensor[] {gx};
        }
        if (op instanceof Op.Pad p) {
            // ∂x = the box of g that holds x (the padding gets no gradient)
            return new Tensor[] {Shaping.crop(g, p.before(), in[0].shape())};
        }
        if (op instanceof Op.Concat c) {
            // ∂part_i = the slice of g that part i was copied to
            int[] sizes = new int[in.length];
            for (int i = 0; i < in.length; i++) {
                sizes[i] = in[i].shape()[c.axis()];
            }
            return Shaping.split(g, c.axis(), sizes).toArray(new Tensor[0]);
        }
        if (op instanceof Op.Expand) {
            // ∂x = g summed back over the broadcast axes
            return new Tensor[] {sumTo(g, in[0])};
        }
        if (op instanceof Op.ToDevice) {
            // ∂x = g, copied back to x's device
            return new Tensor[] {g.to(in[0].device())};
        }

        // ----- regularisation and losses -----
        if (op instanceof Op.Dropout d) {
            // y = x · mask:  ∂x = g · mask
            return new Tensor[] {g.mul(d.mask())};
        }
        if (op instanceof Op.NllLoss) {
            // L = −(1/M) Σ_positions logp[target]:  ∂logp = −g/M at each position's target class, 0 elsewhere
            // (kernel: Backend.nllLossBackward scatters the per-position gradient)
            Tensor logp = in[0];
            Tensor target = in[1];
            int[] ls = logp.shape();
            float scale = 1f / Math.max(1, target.numel());
            Tensor gPosition = target.fullLike(g.item() * scale); // target is on logp's device (checked forward)
            Tensor gLogp = Tensor.zeros(logp.backend(), ls);
            logp.backend().nllLossBackward(target.storage(), gPosition.storage(), gLogp.storage(), ls[0], ls[1],
                    Shape.product(ls, 2, ls.length));
            return new Tensor[] {gLogp, null};
        }
        if (op instanceof Op.ElementwiseLoss l) {
            // L = (1/M) Σ loss(p, t):  ∂p = g/M · ∂loss/∂p (the BinaryOp named by l.gradient()); no gradient into t
            Tensor p = in[0];
            float scale = 1f / Math.max(1, p.numel());
            return new Tensor[] {Arithmetic.binary(l.loss().name(), l.gradient(), p, in[1]).mul(g.item() * scale), null};
        }

        // ----- detection: regions of interest and indexing -----
        if (op instanceof Op.RoiAlign r) {
            // y is linear in x:  ∂x = each output's g/count shared among its samples' four neighbours with the
            // bilinear weights (kernel: Backend.roiAlignBackward); the regions get none
            Tensor x = in[0];
            Tensor gx = Tensor.zeros(x.backend(), x.shape());
            x.backend().roiAlignBackward(r.geometry(), in[1].storage(), g.storage(), gx.storage());
            return new Tensor[] {gx, null};
        }
        if (op instanceof Op.Gather ga) {
            // y[…, j, …] = x[…, index[j], …]:  ∂x[…, index[j], …] += g[…, j, …]  (kernel: Backend.scatterAdd)
            Tensor x = in[0];
            int[] s = x.shape();
            int a = ga.axis();
            Tensor gx = Tensor.zeros(x.backend(), s);
            x.backend().scatterAdd(g.storage(), Shape.product(s, 0, a), ga.indices().size(0),
                    Shape.product(s, a + 1, s.length), ga.indices().storage(), s[a], gx.storage());
            return new Tensor[] {gx};
        }
        if (op instanceof Op.ScatterAdd sa) {
            // y[…, index[j], …] += src[…, j, …]:  ∂src[…, j, …] = g[…, index[j], …]  (kernel: Backend.gather)
            Tensor src = in[0];
            int[] s = src.shape();
            int a = sa.axis();
            Tensor gs = Tensor.zeros(src.backend(), s);
            if (gs.numel() > 0) {
                src.backend().gather(g.storage(), Shape.product(s, 0, a), y.shape()[a], Shape.product(s, a + 1, s.length),
                        sa.indices().storage(), s[a], gs.storage());
            }
            return new Tensor[] {gs};
        }
        throw noRule(op);
    }

    // ----- helpers --------------------------------------------------------------------------------------------

    private static Tensor sumTo(Tensor g, Tensor operand) {
        return Reductions.sumTo(g, operand.shape());
    }

    private static Storage storage(Tensor t) {
        return t == null ? null : t.storage();
    }

    private static void requireUnfused(Op op, Epilogue e) {
        if (!e.isNone()) {
            throw new IllegalStateException("backward of " + op.name() + " with a fused " + e
                    + ": a fused op is only computed without gradients");
        }
    }

    private static IllegalStateException noRule(Op op) {
        return new IllegalStateException("no gradient rule for op " + op.name() + " " + op);
    }

    private static Tensor convForward(ConvGeometry g, Tensor x, Tensor w) {
        Tensor y = Tensor.empty(x.backend(), g.outputShape());
        x.backend().conv2d(g, x.storage(), w.storage(), null, y.storage());
        return y;
    }

    private static Tensor convBackwardData(ConvGeometry g, Tensor gy, Tensor w) {
        Tensor gx = Tensor.zeros(gy.backend(), g.inputShape());
        gy.backend().conv2dBackwardData(g, gy.storage(), w.storage(), gx.storage());
        return gx;
    }

    private static Tensor convBackwardWeight(ConvGeometry g, Tensor x, Tensor gy) {
        Tensor gw = Tensor.zeros(gy.backend(), g.weightShape());
        gy.backend().conv2dBackwardWeight(g, x.storage(), gy.storage(), gw.storage());
        return gw;
    }
}
