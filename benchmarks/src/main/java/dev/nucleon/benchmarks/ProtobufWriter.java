package dev.nucleon.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few protobuf wire-format encodings an ONNX model needs: varint fields, length-delimited fields
 * (strings, bytes, nested messages) and packed repeated int64. Fields are written in call order.
 *
 * <p>Wire format: each field is a varint key {@code (fieldNumber << 3) | wireType}, then the value;
 * wire type 0 = varint, 2 = length-delimited (varint length, then the bytes).
 */
final class ProtobufWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Varint field (int32, int64, enum). Negative values take 10 bytes, as protobuf specifies. */
    ProtobufWriter varint(int field, long value) {
        key(field, 0);
        rawVarint(value);
        return this;
    }

    ProtobufWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtobufWriter bytes(int field, byte[] value) {
        key(field, 2);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    ProtobufWriter message(int field, ProtobufWriter message) {
        return bytes(field, message.toByteArray());
    }

    /** Packed repeated int64: one length-delimited field holding the varints back to back. */
    ProtobufWriter packedInt64(int field, long... values) {
        ProtobufWriter packed = new ProtobufWriter();
        for (long v : values) {
            packed.rawVarint(v);
        }
        return bytes(field, packed.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void key(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
