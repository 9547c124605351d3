package dev.nucleon.nn.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A minimal protocol-buffers encoder (varints, 32-bit floats, length-delimited fields) for writing ONNX. */
public final class ProtoWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private void varint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    /**
     * Writes a varint field (int32/int64/enum; negative values take ten bytes, as protobuf requires).
     *
     * @param field the field number
     * @param v     the value
     * @return this writer
     */
    public ProtoWriter int64(int field, long v) {
        tag(field, 0);
        varint(v);
        return this;
    }

    /**
     * Writes a 32-bit float field.
     *
     * @param field the field number
     * @param v     the value
     * @return this writer
     */
    public ProtoWriter float32(int field, float v) {
        tag(field, 5);
        int bits = Float.floatToIntBits(v);
        for (int i = 0; i < 4; i++) {
            out.write((bits >>> (8 * i)) & 0xFF);
        }
        return this;
    }

    /**
     * Writes a length-delimited bytes field.
     *
     * @param field the field number
     * @param b     the bytes
     * @return this writer
     */
    public ProtoWriter bytes(int field, byte[] b) {
        tag(field, 2);
        varint(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    /**
     * Writes a string field, UTF-8.
     *
     * @param field the field number
     * @param s     the string
     * @return this writer
     */
    public ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes an embedded message.
     *
     * @param field the field number
     * @param m     the message, serialised now
     * @return this writer
     */
    public ProtoWriter message(int field, ProtoWriter m) {
        return bytes(field, m.toByteArray());
    }

    /** {@return the message's bytes so far} */
    public byte[] toByteArray() {
        return out.toByteArray();
    }

    /**
     * {@return little-endian IEEE floats (ONNX {@code raw_data})}
     *
     * @param v the floats
     */
    public static byte[] rawFloats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }
}
