package dev.nucleon.nn.io;

import dev.nucleon.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files assembled byte by byte from the specification, then read; and our writer's bytes checked the same way. */
class SafeTensorsTest {

    @TempDir
    Path dir;

    // ----- building files by hand -------------------------------------------------------------------------

    /** 8-byte little-endian header length, the header's UTF-8 bytes, then the data section. */
    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    /** Little-endian bytes of the given values: Float → 4, Double → 8, Short → 2, Long → 8, Byte → 1. */
    private static byte[] le(Object... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object v : values) {
            ByteBuffer b;
            if (v instanceof Float f) {
                b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(f);
            } else if (v instanceof Double d) {
                b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(d);
            } else if (v instanceof Short s) {
                b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(s);
            } else if (v instanceof Long l) {
                b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(l);
            } else if (v instanceof Integer i) {
                b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i);
            } else {
                b = ByteBuffer.allocate(1).put((Byte) v);
            }
            out.writeBytes(b.array());
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    private CheckpointException refused(String name, byte[] bytes) throws IOException {
        Path p = write(name, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.read(p).tensors());
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), "names the file: " + e.getMessage());
        return e;
    }

    // ----- reading ----------------------------------------------------------------------------------------

    @Test
    void readsAHandWrittenFileWithUnknownMetadata() throws IOException {
        // "b" comes first in the header but second in the data; the header is padded with spaces
        String header = "{\"__metadata__\":{\"format\":\"pt\",\"origin\":\"hand-written\",\"x-anything\":\"{\\\"nested\\\": 1}\"},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        header += " ".repeat((8 - (8 + header.length()) % 8) % 8);
        Path p = write("hand.safetensors", file(header, le(1f, -2f, 0.5f, 3e38f, Float.NaN, -0f)));
        SafeTensorsFile f = SafeTensors.read(p);
        assertEquals(List.of("b", "a"), f.names());
        assertEquals("hand-written", f.metadata().get("origin"));
        assertEquals("{\"nested\": 1}", f.metadata().get("x-anything"));
        assertEquals(3, f.metadata().size());
        Tensor a = f.tensor("a");
        assertArrayEquals(new int[] {2, 2}, a.shape());
        assertArrayEquals(new float[] {1f, -2f, 0.5f, 3e38f}, a.toArray(), 0f);
        assertArrayEquals(bits(new float[] {Float.NaN, -0f}), bits(f.tensor("b").toArray()));
        assertEquals(DType.F32, f.entry("a").dtype());
    }

    @Test
    void scalarsAndEmptyTensorsAndNoMetadata() throws IOException {
        String header = "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]}}";
        SafeTensorsFile f = SafeTensors.read(write("scalar.safetensors", file(header, le(7f))));
        assertEquals(7f, f.tensor("s").item());
        assertEquals(0, f.tensor("s").rank());
        assertArrayEquals(new int[] {0, 3}, f.tensor("e").shape());
        assertTrue(f.metadata().isEmpty());
    }

    /** Policy: F64, F16, BF16 and exactly representable integers are converted to float32 on load. */
    @Test
    void convertsF64F16Bf16AndIntegersToFloat32() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,24]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[24,36]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[36,40]},"
                + "\"num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[40,48]},"
                + "\"i32\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[48,56]},"
                + "\"u8\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[56,58]},"
                + "\"flags\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[58,60]}}";
        byte[] data = concat(
                le(1.5, 0.1, -1e30),
                // half: 1.0, −2.0, 65504 (largest), 2^-24 (smallest subnormal), +inf, 0.333 ≈ 0x3555
                le((short) 0x3C00, (short) 0xC000, (short) 0x7BFF, (short) 0x0001, (short) 0x7C00, (short) 0x3555),
                // bfloat16: the upper halves of 1.0f and −π
                le((short) 0x3F80, (short) (Float.floatToIntBits((float) -Math.PI) >>> 16)),
                le(12345L), le(-7, 16_777_216), le((byte) 255, (byte) 3), le((byte) 1, (byte) 0));
        SafeTensorsFile f = SafeTensors.read(write("mixed.safetensors", file(header, data)));
        assertArrayEquals(new float[] {1.5f, 0.1f, -1e30f}, f.tensor("d").toArray(), 0f, "F64 rounded to nearest");
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, 0.33325195f},
                f.tensor("h").toArray(), 0f, "F16 widened exactly");
        assertArrayEquals(new float[] {1f, -3.140625f}, f.tensor("bf").toArray(), 0f, "BF16 widened exactly");
        assertEquals(12345f, f.tensor("num_batches_tracked").item());
        assertArrayEquals(new float[] {-7f, 16_777_216f}, f.tensor("i32").toArray(), 0f);
        assertArrayEquals(new float[] {255f, 3f}, f.tensor("u8").toArray(), 0f);
        assertArrayEquals(new float[] {1f, 0f}, f.tensor("flags").toArray(), 0f);
        assertEquals(DType.F16, f.entry("h").dtype());
    }

    @Test
    void refusesValuesFloat32CannotHold() throws IOException {
        String header = "{\"big\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
        Path p = write("range.safetensors", file(header, concat(le(1e300), le(16_777_217L))));
        SafeTensorsFile f = SafeTensors.read(p);
        CheckpointException e = assertThrows(CheckpointException.class, () -> f.tensor("big"));
        assertTrue(e.getMessage().contains("tensor 'big' (F64)") && e.getMessage().contains("outside float32's range"),
                e.getMessage());
        e = assertThrows(CheckpointException.class, () -> f.tensor("ids"));
        assertTrue(e.getMessage().contains("tensor 'ids' (I64)") && e.getMessage().contains("2^24"), e.getMessage());
    }

    @Test
    void refusesUnsupportedDtypes() throws IOException {
        for (String dtype : new String[] {"F8_E4M3", "C64", "U32", "f32", "Q4"}) {
            String header = "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":[1],\"data_offsets\":[0,4]}}";
            CheckpointException e = refused("dtype-" + dtype + ".safetensors", file(header, le(1f)));
            assertTrue(e.getMessage().contains("tensor 'w': unsupported dtype '" + dtype + "'"), e.getMessage());
        }
    }

    @Test
    void refusesTruncatedFiles() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        CheckpointException e = refused("short-data.safetensors", file(header, le(1f, 2f, 3f)));
        assertTrue(e.getMessage().contains("truncated: tensor 'w' needs bytes [0, 16)")
                && e.getMessage().contains("only 12 bytes"), e.getMessage());

        byte[] whole = file(header, le(1f, 2f, 3f, 4f));
        e = refused("short-header.safetensors", java.util.Arrays.copyOf(whole, 30));
        assertTrue(e.getMessage().contains("truncated: the header claims"), e.getMessage());
        e = refused("tiny.safetensors", new byte[] {1, 2, 3});
        assertTrue(e.getMessage().contains("shorter than the 8-byte header length"), e.getMessage());
        e = refused("huge-header.safetensors", le(Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @Test
    void refusesShapesThatDisagreeWithTheirBytes() throws IOException {
        String header = "{\"conv.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}";
        CheckpointException e = refused("shape.safetensors", file(header, le(1f, 2f, 3f, 4f)));
        assertTrue(e.getMessage().contains("tensor 'conv.weight': data_offsets [0, 16] hold 16 bytes, but shape [2, 3] of F32"
                + " needs 24"), e.getMessage());
        header = "{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        e = refused("dtype-size.safetensors", file(header, le(1f, 2f)));
        assertTrue(e.getMessage().contains("tensor 'w'") && e.getMessage().contains("of F64 needs 16"), e.getMessage());
    }

    @Test
    void refusesMalformedHeaders() throws IOException {
        Object[][] cases = {
                {" {}", "must start with '{'"},
                {"[]", "must start with '{'"},
                {"{\"w\":", "malformed JSON header"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{}}", "duplicate key \"w\""},
                {"{\"__metadata__\":{\"epoch\":3}}", "__metadata__ entry 'epoch' is not a string"},
                {"{\"__metadata__\":[]}", "__metadata__ must be an object"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", "tensor 'w': unexpected field 'extra'"},
                {"{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "tensor 'w': missing or non-string 'dtype'"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "'data_offsets' must have 2 entries"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "'shape' entry -1 is negative"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", "'shape' entry 1.0 is not an integer"},
                {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", "end before they begin"},
                {"{\"w\":7}", "tensor 'w': header entry is not an object"},
        };
        int i = 0;
        for (Object[] c : cases) {
            CheckpointException e = refused("bad" + i++ + ".safetensors", file((String) c[0], le(1f)));
            assertTrue(e.getMessage().contains((String) c[1]), c[0] + " → " + e.getMessage());
        }
        byte[] notUtf8 = file("{\"w\":1}", new byte[0]);
        notUtf8[10] = (byte) 0xff;
        assertTrue(refused("utf8.safetensors", notUtf8).getMessage().contains("not valid UTF-8"));
    }

    @Test
    void refusesGapsOverlapsAndTrailingBytes() throws IOException {
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertTrue(refused("overlap.safetensors", file(overlap, le(1f, 2f, 3f))).getMessage()
                .contains("tensor 'b' at bytes [4, 12) overlaps tensor 'a'"));
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertTrue(refused("gap.safetensors", file(gap, le(1f, 2f, 3f))).getMessage()
                .contains("tensor 'b' starts at byte 8, leaving a gap of 4 bytes after tensor 'a'"));
        String one = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertTrue(refused("trailing.safetensors", file(one, le(1f, 2f))).getMessage()
                .contains("4 bytes follow the last tensor ('a')"));
    }

    // ----- writing ----------------------------------------------------------------------------------------

    @Test
    void writerOutputMatchesTheSpecificationByteForByte() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", Tensor.of(new float[] {1f, -2f}, 2));
        tensors.put("a", Tensor.scalar(0.5f));
        Path p = dir.resolve("ours.safetensors");
        SafeTensors.write(p, tensors, Map.of("z", "last", "format", "pt"));
        String header = "{\"__metadata__\":{\"format\":\"pt\",\"z\":\"last\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        String padded = header + " ".repeat((8 - header.length() % 8) % 8);
        assertEquals(0, padded.length() % 8);
        byte[] expected = file(padded, le(0.5f, 1f, -2f));
        assertArrayEquals(expected, Files.readAllBytes(p));
        assertArrayEquals(expected, SafeTensors.encode(tensors, Map.of("format", "pt", "z", "last")));
        assertEquals(0, (8 + padded.length()) % 8, "the data section starts 8-byte aligned");
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.NaN, Float.POSITIVE_INFINITY, 1e-38f, 0.1f};
        Tensor random = Tensor.normal(5, 0, 1, 3, 4, 5);
        Map<String, Tensor> tensors = Map.of("special", Tensor.of(special), "layer.0.weight", random,
                "ünïcode \"name\"", Tensor.ones(1));
        Path p = dir.resolve("rt.safetensors");
        SafeTensors.write(p, tensors, Map.of("note", "line\nbreak \"quoted\""));
        SafeTensorsFile f = SafeTensors.read(p);
        assertArrayEquals(bits(special), bits(f.tensor("special").toArray()));
        assertArrayEquals(bits(random.toArray()), bits(f.tensor("layer.0.weight").toArray()));
        assertArrayEquals(new int[] {3, 4, 5}, f.tensor("layer.0.weight").shape());
        assertEquals(1f, f.tensor("ünïcode \"name\"").item());
        assertEquals("line\nbreak \"quoted\"", f.metadata().get("note"));
    }

    @Test
    void writesAreAtomicAndLeaveNoTemporaryFiles() throws IOException {
        Path p = dir.resolve("model.safetensors");
        SafeTensors.write(p, Map.of("w", Tensor.ones(2)), Map.of());
        SafeTensors.write(p, Map.of("w", Tensor.full(3f, 2)), Map.of());
        assertArrayEquals(new float[] {3f, 3f}, SafeTensors.read(p).tensor("w").toArray(), 0f, "replaced");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList(), "no temporary file left behind");
        }
        // a failed write (a name that is not allowed) leaves the old file intact and no temporary file
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(p, Map.of("__metadata__", Tensor.ones(1)), Map.of()));
        assertArrayEquals(new float[] {3f, 3f}, SafeTensors.read(p).tensor("w").toArray(), 0f);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList());
        }
        Path nested = dir.resolve("runs/1/model.safetensors");
        SafeTensors.write(nested, Map.of("w", Tensor.ones(1)), Map.of());
        assertTrue(Files.exists(nested));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
