package dev.nucleon.core.onnx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Byte-exact checks of the wire format against the worked examples of the protobuf encoding guide. */
class ProtoWriterTest {

    private static byte[] bytes(int... b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = (byte) b[i];
        }
        return r;
    }

    @Test
    void varintFieldIsKeyThenSevenBitGroups() {
        // message { int32 a = 1; } with a = 150  ->  08 96 01
        assertArrayEquals(bytes(0x08, 0x96, 0x01), new ProtoWriter().varint(1, 150).toByteArray());
        assertArrayEquals(bytes(0x08, 0x00), new ProtoWriter().varint(1, 0).toByteArray());
        assertArrayEquals(bytes(0x08, 0x7F), new ProtoWriter().varint(1, 127).toByteArray());
        assertArrayEquals(bytes(0x08, 0x80, 0x01), new ProtoWriter().varint(1, 128).toByteArray());
    }

    @Test
    void negativeIntegersAreTenByteTwosComplement() {
        assertArrayEquals(bytes(0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
                new ProtoWriter().varint(1, -1).toByteArray());
    }

    @Test
    void largeFieldNumbersNeedMultiByteKeys() {
        // AttributeProto.type = 20, varint: key = 20 << 3 | 0 = 160 -> A0 01
        assertArrayEquals(bytes(0xA0, 0x01, 0x07), new ProtoWriter().varint(20, 7).toByteArray());
    }

    @Test
    void stringIsLengthDelimited() {
        // message { string b = 2; } with b = "testing"  ->  12 07 74 65 73 74 69 6e 67
        assertArrayEquals(bytes(0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67),
                new ProtoWriter().string(2, "testing").toByteArray());
    }

    @Test
    void embeddedMessageIsLengthDelimited() {
        // message { Test1 c = 3; } with c.a = 150  ->  1a 03 08 96 01
        ProtoWriter inner = new ProtoWriter().varint(1, 150);
        assertArrayEquals(bytes(0x1a, 0x03, 0x08, 0x96, 0x01), new ProtoWriter().message(3, inner).toByteArray());
    }

    @Test
    void floatIsLittleEndianFixed32() {
        // field 2, wire type 5: key 0x15; 1.0f = 0x3F800000; -2.5f = 0xC0200000
        assertArrayEquals(bytes(0x15, 0x00, 0x00, 0x80, 0x3F), new ProtoWriter().float32(2, 1.0f).toByteArray());
        assertArrayEquals(bytes(0x15, 0x00, 0x00, 0x20, 0xC0), new ProtoWriter().float32(2, -2.5f).toByteArray());
    }

    @Test
    void packedRepeatedVarints() {
        // message { repeated int32 d = 4 [packed=true]; } with 3, 270, 86942  ->  22 06 03 8E 02 9E A7 05
        assertArrayEquals(bytes(0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05),
                new ProtoWriter().packedVarints(4, new long[] {3, 270, 86942}).toByteArray());
    }

    @Test
    void packedRepeatedFloats() {
        assertArrayEquals(bytes(0x22, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0),
                new ProtoWriter().packedFloats(4, new float[] {1.0f, -2.5f}).toByteArray());
    }

    @Test
    void unpackedRepeatedRepeatsTheKey() {
        assertArrayEquals(bytes(0x40, 0x01, 0x40, 0x02), new ProtoWriter().repeatedVarints(8, new long[] {1, 2}).toByteArray());
        assertArrayEquals(bytes(0x3D, 0x00, 0x00, 0x80, 0x3F, 0x3D, 0x00, 0x00, 0x20, 0xC0),
                new ProtoWriter().repeatedFloats(7, new float[] {1.0f, -2.5f}).toByteArray());
    }
}
