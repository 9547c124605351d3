package dev.nucleon.core.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protocol-buffers encoder: just enough of the wire format to write an ONNX model.
 *
 * <p>Wire types used: 0 = varint ({@code int32}, {@code int64}, enums), 2 = length-delimited (strings,
 * bytes, sub-messages, packed repeated scalars), 5 = 32-bit fixed ({@code float}). A field's key is the
 * varint {@code (fieldNumber << 3) | wireType}. Negative {@code int32}/{@code int64} values are written as
 * ten-byte two's-complement varints, as protobuf does (no zig-zag: that is only for {@code sint*}).
 *
 * <p>Fields are written in the order the caller writes them; protobuf parsers accept any order.
 */
final class ProtoWriter {

    static final int WIRE_VARINT = 0;
    static final int WIRE_FIXED64 = 1;
    static final int WIRE_LEN = 2;
    static final int WIRE_FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Raw unsigned varint: 7 bits a byte, low bits first, high bit set on every byte but the last. */
    ProtoWriter rawVarint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
        return this;
    }

    /** Raw little-endian 32-bit word. */
    ProtoWriter rawFixed32(int bits) {
        out.write(bits & 0xFF);
        out.write((bits >>> 8) & 0xFF);
        out.write((bits >>> 16) & 0xFF);
        out.write((bits >>> 24) & 0xFF);
        return this;
    }

    ProtoWriter tag(int field, int wireType) {
        if (field < 1) {
            throw new IllegalArgumentException("protobuf: field number must be >= 1, got " + field);
        }
        return rawVarint(((long) field << 3) | wireType);
    }

    /** {@code int32}, {@code int64}, {@code bool} or enum field. */
    ProtoWriter varint(int field, long value) {
        return tag(field, WIRE_VARINT).rawVarint(value);
    }

    /** {@code float} field (wire type 5). */
    ProtoWriter float32(int field, float value) {
        return tag(field, WIRE_FIXED32).rawFixed32(Float.floatToRawIntBits(value));
    }

    /** {@code bytes} field, or a sub-message already encoded. */
    ProtoWriter bytes(int field, byte[] value) {
        tag(field, WIRE_LEN).rawVarint(value.length);
        out.write(value, 0, value.length);
        return this;
    }

    /** {@code string} field, UTF-8. */
    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Embedded message field. */
    ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    /** {@code repeated float [packed = true]}: one length-delimited record of little-endian floats. */
    ProtoWriter packedFloats(int field, float[] values) {
        ProtoWriter body = new ProtoWriter();
        for (float v : values) {
            body.rawFixed32(Float.floatToRawIntBits(v));
        }
        return message(field, body);
    }

    /** {@code repeated int64 [packed = true]}: one length-delimited record of varints. */
    ProtoWriter packedVarints(int field, long[] values) {
        ProtoWriter body = new ProtoWriter();
        for (long v : values) {
            body.rawVarint(v);
        }
        return message(field, body);
    }

    /** Unpacked {@code repeated float}: one key + value per element (proto2's default encoding). */
    ProtoWriter repeatedFloats(int field, float[] values) {
        for (float v : values) {
            float32(field, v);
        }
        return this;
    }

    /** Unpacked {@code repeated int64}: one key + varint per element (proto2's default encoding). */
    ProtoWriter repeatedVarints(int field, long[] values) {
        for (long v : values) {
            varint(field, v);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
