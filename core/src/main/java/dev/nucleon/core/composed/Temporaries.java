package dev.nucleon.core.composed;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.Shape;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UnaryOp;

import java.util.ArrayList;
import java.util.List;

/**
 * The scratch storages of one composed op, released together at the end ({@code try (var t = new Temporaries(b))}),
 * and shorthands for the primitives on flat (1-D) storages.
 */
final class Temporaries implements AutoCloseable {

    private final Backend b;
    private final List<Storage> held = new ArrayList<>();

    Temporaries(Backend b) {
        this.b = b;
    }

    /** Scratch of {@code size} floats, contents unspecified. */
    Storage scratch(long size) {
        Storage s = b.allocateUninitialized(size);
        held.add(s);
        return s;
    }

    /** Scratch of {@code size} zeros. */
    Storage zeros(long size) {
        Storage s = b.allocate(size);
        held.add(s);
        return s;
    }

    /** These host values on the device. */
    Storage upload(float[] values) {
        Storage s = b.upload(values, 0, values.length);
        held.add(s);
        return s;
    }

    /** One float on the device, for broadcasting against a flat storage. */
    Storage scalar(float value) {
        return upload(new float[] {value});
    }

    /** op(x) elementwise, into new scratch. */
    Storage unary(UnaryOp op, float p1, Storage x) {
        Storage y = scratch(x.size());
        b.unary(op, p1, 0f, x, y);
        return y;
    }

    /** op(a, c) of two flat storages of one size (or c of size 1, broadcast), into new scratch. */
    Storage binary(BinaryOp op, Storage a, Storage c) {
        Storage out = scratch(a.size());
        int n = Math.toIntExact(a.size());
        b.binary(op, a, new int[] {n}, c, new int[] {Math.toIntExact(c.size())}, out, new int[] {n});
        return out;
    }

    /** op(a, c) with broadcasting (shapes as {@link Backend#binary}), into new scratch of outShape. */
    Storage binary(BinaryOp op, Storage a, int[] aShape, Storage c, int[] cShape, int[] outShape) {
        Storage out = scratch(Shape.numel(outShape));
        b.binary(op, a, aShape, c, cShape, out, outShape);
        return out;
    }

    /** min(max(x, lo), hi) into new scratch. */
    Storage clamp(Storage x, float lo, float hi) {
        Storage y = scratch(x.size());
        b.unary(UnaryOp.CLAMP, lo, hi, x, y);
        return y;
    }

    @Override
    public void close() {
        for (Storage s : held) {
            b.release(s);
        }
        held.clear();
    }
}
