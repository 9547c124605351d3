package dev.nucleon.nn.io;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The safetensors element types Nucleon reads, with their byte sizes. Nucleon's tensors are float32, so
 * {@link #toFloats} converts on load:
 * <ul>
 *   <li>{@code F32} — as is;</li>
 *   <li>{@code F16}, {@code BF16} — widened exactly (every half / bfloat16 value is a float);</li>
 *   <li>{@code F64} — rounded to the nearest float; a finite value beyond float's range is refused;</li>
 *   <li>{@code I8}, {@code U8}, {@code I16}, {@code I32}, {@code I64}, {@code BOOL} — converted when every value
 *       is exactly representable (|v| ≤ 2²⁴), refused otherwise (e.g. token ids, large counters).</li>
 * </ul>
 * Any other dtype of the specification ({@code F8_E4M3}, {@code U16}, {@code U32}, {@code U64}, complex …)
 * is refused by name. Nucleon writes {@code F32} only.
 */
public enum DType {
    /** IEEE double. */
    F64(8),
    /** IEEE float. */
    F32(4),
    /** IEEE half. */
    F16(2),
    /** bfloat16. */
    BF16(2),
    /** Signed 64-bit integer. */
    I64(8),
    /** Signed 32-bit integer. */
    I32(4),
    /** Signed 16-bit integer. */
    I16(2),
    /** Signed 8-bit integer. */
    I8(1),
    /** Unsigned 8-bit integer. */
    U8(1),
    /** One byte, 0 or 1. */
    BOOL(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** {@return bytes per element} */
    public int bytes() {
        return bytes;
    }

    /**
     * {@return the dtype named {@code name} (upper case as the specification writes it), or null when unsupported}
     *
     * @param name a dtype name, e.g. {@code F32}
     */
    public static DType parse(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /**
     * Reads {@code count} little-endian elements from {@code data} (positioned at the first) as floats.
     *
     * @param data  the bytes, positioned at the first element (advanced past the last)
     * @param count how many elements
     * @throws IllegalArgumentException naming the offending value when it cannot be represented
     * @return the values as floats
     */
    public float[] toFloats(ByteBuffer data, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            switch (this) {
                case F32 -> out[i] = data.getFloat();
                case F16 -> out[i] = halfToFloat(data.getShort());
                case BF16 -> out[i] = Float.intBitsToFloat((data.getShort() & 0xffff) << 16);
                case F64 -> {
                    double v = data.getDouble();
                    float f = (float) v;
                    if (Float.isInfinite(f) && !Double.isInfinite(v)) {
                        throw new IllegalArgumentException("element " + i + " = " + v + " is outside float32's range");
                    }
                    out[i] = f;
                }
                case I64 -> out[i] = exact(data.getLong(), i);
                case I32 -> out[i] = exact(data.getInt(), i);
                case I16 -> out[i] = data.getShort();
                case I8 -> out[i] = data.get();
                case U8 -> out[i] = data.get() & 0xff;
                case BOOL -> {
                    byte b = data.get();
                    if (b != 0 && b != 1) {
                        throw new IllegalArgumentException("element " + i + " = " + b + " is not a boolean (0 or 1)");
                    }
                    out[i] = b;
                }
                default -> throw new IllegalStateException(name());
            }
        }
        return out;
    }

    private static float exact(long v, int i) {
        if (Math.abs(v) > (1L << 24)) {
            throw new IllegalArgumentException("integer element " + i + " = " + v
                    + " cannot be represented exactly as float32 (|v| > 2^24)");
        }
        return v;
    }

    /** IEEE 754 binary16 → binary32, exactly (subnormals, infinities and NaN included). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal (or zero): mant · 2^-24
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    @Override
    public String toString() {
        return name().toUpperCase(Locale.ROOT);
    }
}
