package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.Op;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UnaryOp;

/**
 * Elementwise arithmetic and activations: broadcast binary ops (add, sub, mul, div) and every row of the
 * {@link UnaryOp} table (neg, exp, …, the activations). Each op records its {@link dev.nucleon.core.Op} for autograd;
 * the gradients are in {@link dev.nucleon.core.GradientRules}.
 *
 * <p>Broadcasting follows NumPy: shapes are right-aligned and a size-1 axis stretches. In the backward
 * pass the gradient of a broadcast operand is summed back to its shape ({@link Reductions#sumTo}).
 */
public final class Arithmetic {

    private Arithmetic() {
    }

    /**
     * {@return a + b, elementwise; ∂/∂a = 1, ∂/∂b = 1 (each summed back to its operand's shape), of the broadcast shape of a and b}
     *
     * @param a the left operand
     * @param b the right operand, broadcast against a
     * @throws IllegalArgumentException when the shapes do not broadcast or the tensors are on different devices
     */
    public static Tensor add(Tensor a, Tensor b) {
        return Autograd.record(binary("add", BinaryOp.ADD, a, b), new Op.Binary(BinaryOp.ADD), a, b);
    }

    /**
     * {@return a − b, elementwise; ∂/∂a = 1, ∂/∂b = −1, of the broadcast shape of a and b}
     *
     * @param a the left operand
     * @param b the right operand, broadcast against a
     * @throws IllegalArgumentException when the shapes do not broadcast or the tensors are on different devices
     */
    public static Tensor sub(Tensor a, Tensor b) {
        return Autograd.record(binary("sub", BinaryOp.SUB, a, b), new Op.Binary(BinaryOp.SUB), a, b);
    }

    /**
     * {@return a · b, elementwise (not a matrix product, see {@link LinearAlgebra#matmul}); ∂/∂a = b, ∂/∂b = a, of the broadcast shape of a and b}
     *
     * @param a the left operand
     * @param b the right operand, broadcast against a
     * @throws IllegalArgumentException when the shapes do not broadcast or the tensors are on different devices
     */
    public static Tensor mul(Tensor a, Tensor b) {
        return Autograd.record(binary("mul", BinaryOp.MUL, a, b), new Op.Binary(BinaryOp.MUL), a, b);
    }

    /**
     * {@return a / b, elementwise (IEEE: x/0 is ±∞ or NaN); ∂/∂a = 1/b, ∂/∂b = −a/b², of the broadcast shape of a and b}
     *
     * @param a the left operand
     * @param b the right operand, broadcast against a
     * @throws IllegalArgumentException when the shapes do not broadcast or the tensors are on different devices
     */
    public static Tensor div(Tensor a, Tensor b) {
        return Autograd.record(binary("div", BinaryOp.DIV, a, b), new Op.Binary(BinaryOp.DIV), a, b);
    }

    /**
     * {@code op(a, b)} with broadcasting and no autograd record; the building block of the ops above and of
     * the losses. Both operands must be on the same device.
     *
     * @param name the op's name for error messages
     * @param op   the elementwise function
     * @param a    the left operand
     * @param b    the right operand
     * @return a new tensor of the broadcast shape, on a's backend, not tracked by autograd
     * @throws IllegalArgumentException when the shapes do not broadcast or the tensors are on different devices
     */
    public static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b) {
        requireSameDevice(name, a, b);
        int[] outShape = Shape.broadcast(name, a.shape(), b.shape());
        Tensor out = Tensor.empty(a.backend(), outShape);
        a.backend().binary(op, a.storage(), Shape.padLeft(a.shape(), outShape.length),
                b.storage(), Shape.padLeft(b.shape(), outShape.length), out.storage(), outShape);
        return out;
    }

    /**
     * {@return {@code y = op(x; p1, p2)}, of x's shape, recorded for autograd through {@link Backend#unaryBackward}}
     *
     * @param op the function
     * @param p1 its first parameter (e.g. the exponent of pow, the lower bound of clamp, α of elu), ignored by ops
     *           without one; see {@link UnaryOp}
     * @param p2 its second parameter (e.g. the upper bound of clamp), ignored by ops without one
     * @param x  the input, any shape
     */
    public static Tensor unary(UnaryOp op, float p1, float p2, Tensor x) {
        Tensor y = Tensor.empty(x.backend(), x.shape());
        x.backend().unary(op, p1, p2, x.storage(), y.storage());
        return Autograd.record(y, new Op.Unary(op, p1, p2), x);
    }

    static void requireSameDevice(String op, Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException(op + ": tensors are on different devices (" + a.device() + " and "
                    + b.device() + "); move one with to(device)");
        }
    }
}
