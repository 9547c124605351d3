package dev.nucleon.nn.io;

import dev.nucleon.core.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format, the
 * checkpoint format shared with PyTorch and the Hugging Face tools:
 * <pre>
 *   8 bytes   N, unsigned little-endian: the header's length
 *   N bytes   UTF-8 JSON object, padded at the end with spaces (0x20) so that 8 + N is a multiple of 8:
 *             {"__metadata__": {"k": "v", …},                       (optional, string → string)
 *              "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [BEGIN, END]}, …}
 *   rest      the data section: each tensor's elements, row-major, little-endian, at [BEGIN, END)
 * </pre>
 *
 * <p>Reading is strict, like the reference implementation: the header must start with '{', parse as JSON
 * (no duplicate keys), describe every tensor with exactly {@code dtype}, {@code shape} and
 * {@code data_offsets}, each tensor's byte range must equal shape × dtype size, and the ranges must tile the
 * data section without gaps or overlaps up to the end of the file. Every refusal is a
 * {@link CheckpointException} naming the file and, where one is at fault, the tensor. Unknown
 * {@code __metadata__} entries are kept. Non-float32 dtypes are converted on use, see {@link DType}.
 *
 * <p>Writing produces float32 tensors sorted by name (the reference writer's order for a single dtype),
 * metadata keys sorted, and is atomic ({@link AtomicFileWriter}): the bytes go to a temporary file in the target's
 * folder, are forced to disk, and the file is renamed over the target, so readers see the old file or the new one,
 * never a partial one.
 */
public final class SafeTensors {

    /** The reference implementation's limit on the header size. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA = "__metadata__";

    private SafeTensors() {
    }

    // ----- reading ----------------------------------------------------------------------------------------

    /**
     * Reads and validates {@code path}.
     *
     * @param path a {@code .safetensors} file
     * @return the parsed header and data
     * @throws IOException when the file cannot be read or is not a valid safetensors file (a {@link CheckpointException} naming it)
     */
    public static SafeTensorsFile read(Path path) throws IOException {
        String source = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw tooShort(source, size);
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lengthBytes, 0, source);
            long n = headerLength(source, lengthBytes.flip().getLong(), size - 8);
            ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
            readFully(ch, headerBytes, 8, source);
            long dataLength = size - 8 - n;
            if (dataLength > MAX_DATA_BYTES) {
                throw tooLarge(source, dataLength);
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, SafeTensorsFile.Entry> entries = parseHeader(source, headerBytes.flip(), metadata);
            validateLayout(source, entries, dataLength);
            ByteBuffer data = ByteBuffer.allocate((int) dataLength);
            readFully(ch, data, 8 + n, source);
            data.flip();
            return new SafeTensorsFile(path, source, metadata, entries, data.asReadOnlyBuffer());
        }
    }

    /**
     * Reads and validates a safetensors file from a stream (a class-path resource, say), to its end, with the
     * same checks as {@link #read(Path)} and nothing written to disk; the stream is not closed.
     *
     * @param source what the messages call it, e.g. {@code "classpath:/models/x.safetensors"}
     * @param in     the stream, read to its end
     * @return the parsed header and data
     * @throws IOException when the stream cannot be read or is not a valid safetensors file
     */
    public static SafeTensorsFile read(InputStream in, String source) throws IOException {
        byte[] length = in.readNBytes(8);
        if (length.length < 8) {
            throw tooShort(source, length.length);
        }
        long n = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
        headerLength(source, n, Long.MAX_VALUE); // the limit first, before reading that much
        byte[] header = in.readNBytes((int) n);
        headerLength(source, n, header.length);
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, SafeTensorsFile.Entry> entries = parseHeader(source, ByteBuffer.wrap(header), metadata);
        byte[] data = in.readNBytes((int) MAX_DATA_BYTES + 1);
        if (data.length > MAX_DATA_BYTES) {
            throw tooLarge(source, data.length);
        }
        validateLayout(source, entries, data.length);
        return new SafeTensorsFile(null, source, metadata, entries, ByteBuffer.wrap(data).asReadOnlyBuffer());
    }

    /** The largest data section this reader takes (one Java array). */
    private static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

    private static CheckpointException tooShort(String source, long size) {
        return new CheckpointException(source, "file is " + size + " bytes, shorter than the 8-byte header length"
                + " of a safetensors file");
    }

    private static CheckpointException tooLarge(String source, long dataLength) {
        return new CheckpointException(source, "data section of " + (dataLength > MAX_DATA_BYTES ? "more than "
                + MAX_DATA_BYTES : dataLength) + " bytes is larger than 2 GiB, which this reader does not support");
    }

    /** {@code n}, the header length field, checked against the limit and the {@code available} bytes. */
    private static long headerLength(String source, long n, long available) throws CheckpointException {
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new CheckpointException(source, "header length " + Long.toUnsignedString(n) + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
        }
        if (n > available) {
            throw new CheckpointException(source, "truncated: the header claims " + n + " bytes but only " + available
                    + " follow the length field");
        }
        return n;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String source) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, at);
            if (r < 0) {
                throw new CheckpointException(source, "truncated: file ended at byte " + at);
            }
            at += r;
        }
    }

    private static Map<String, SafeTensorsFile.Entry> parseHeader(String source, ByteBuffer bytes, Map<String, String> metadata)
            throws CheckpointException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(source, "header is not valid UTF-8", e);
        }
        if (text.isEmpty() || text.charAt(0) != '{') {
            throw new CheckpointException(source, "malformed header: it must start with '{'");
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (Json.SyntaxException e) {
            throw new CheckpointException(source, "malformed JSON header: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new CheckpointException(source, "malformed header: not a JSON object");
        }
        Map<String, SafeTensorsFile.Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> meta)) {
                    throw new CheckpointException(source, "malformed header: __metadata__ must be an object of strings");
                }
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String s)) {
                        throw new CheckpointException(source, "malformed header: __metadata__ entry '" + m.getKey()
                                + "' is not a string (safetensors metadata maps strings to strings)");
                    }
                    metadata.put((String) m.getKey(), s);
                }
                continue;
            }
            entries.put(name, parseEntry(source, name, e.getValue()));
        }
        return entries;
    }

    private static SafeTensorsFile.Entry parseEntry(String source, String name, Object value) throws CheckpointException {
        String where = "tensor '" + name + "': ";
        if (name.isEmpty()) {
            throw new CheckpointException(source, "malformed header: a tensor has an empty name");
        }
        if (!(value instanceof Map<?, ?> info)) {
            throw new CheckpointException(source, where + "header entry is not an object");
        }
        for (Object key : info.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new CheckpointException(source, where + "unexpected field '" + key
                        + "' (expected dtype, shape, data_offsets)");
            }
        }
        if (!(info.get("dtype") instanceof String dtypeName)) {
            throw new CheckpointException(source, where + "missing or non-string 'dtype'");
        }
        DType dtype = DType.parse(dtypeName);
        if (dtype == null) {
            throw new CheckpointException(source, where + "unsupported dtype '" + dtypeName + "' (Nucleon reads F32, "
                    + "and converts F16, BF16, F64, I8, U8, I16, I32, I64 and BOOL to float32)");
        }
        List<Long> shapeList = integers(source, where, "shape", info.get("shape"), -1);
        int[] shape = new int[shapeList.size()];
        long numel = 1;
        for (int d = 0; d < shape.length; d++) {
            long s = shapeList.get(d);
            if (s > Integer.MAX_VALUE) {
                throw new CheckpointException(source, where + "shape " + shapeList + " has a dimension beyond 2^31");
            }
            shape[d] = (int) s;
            numel = multiply(source, where, numel, s);
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(source, where + "shape " + shapeList + " has " + numel
                    + " elements, more than one tensor can hold");
        }
        List<Long> offsets = integers(source, where, "data_offsets", info.get("data_offsets"), 2);
        long begin = offsets.get(0);
        long end = offsets.get(1);
        if (end < begin) {
            throw new CheckpointException(source, where + "data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        long needed = multiply(source, where, numel, dtype.bytes());
        if (end - begin != needed) {
            throw new CheckpointException(source, where + "data_offsets [" + begin + ", " + end + "] hold " + (end - begin)
                    + " bytes, but shape " + shapeList + " of " + dtype + " needs " + needed);
        }
        return new SafeTensorsFile.Entry(name, dtype, shape, begin, end);
    }

    private static List<Long> integers(String source, String where, String field, Object value, int count)
            throws CheckpointException {
        if (!(value instanceof List<?> list)) {
            throw new CheckpointException(source, where + "missing or non-array '" + field + "'");
        }
        if (count >= 0 && list.size() != count) {
            throw new CheckpointException(source, where + "'" + field + "' must have " + count + " entries, has " + list.size());
        }
        List<Long> out = new ArrayList<>();
        for (Object o : list) {
            long v;
            try {
                if (!(o instanceof Json.Number num)) {
                    throw new NumberFormatException();
                }
                v = num.longValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CheckpointException(source, where + "'" + field + "' entry " + o + " is not an integer");
            }
            if (v < 0) {
                throw new CheckpointException(source, where + "'" + field + "' entry " + v + " is negative");
            }
            out.add(v);
        }
        return out;
    }

    private static long multiply(String source, String where, long a, long b) throws CheckpointException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new CheckpointException(source, where + "size overflows");
        }
    }

    /** The byte ranges must lie in the data section and tile it exactly, as the reference reader requires. */
    private static void validateLayout(String source, Map<String, SafeTensorsFile.Entry> entries, long dataLength)
            throws CheckpointException {
        for (SafeTensorsFile.Entry e : entries.values()) {
            if (e.end() > dataLength) {
                throw new CheckpointException(source, "truncated: tensor '" + e.name() + "' needs bytes [" + e.begin() + ", "
                        + e.end() + ") of the data section, but the file holds only " + dataLength + " bytes after the header");
            }
        }
        List<SafeTensorsFile.Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(SafeTensorsFile.Entry::begin).thenComparingLong(SafeTensorsFile.Entry::end));
        long expected = 0;
        String previous = null;
        for (SafeTensorsFile.Entry e : sorted) {
            if (e.begin() < expected) {
                throw new CheckpointException(source, "tensor '" + e.name() + "' at bytes [" + e.begin() + ", " + e.end()
                        + ") overlaps tensor '" + previous + "' (which ends at " + expected + ")");
            }
            if (e.begin() > expected) {
                throw new CheckpointException(source, "tensor '" + e.name() + "' starts at byte " + e.begin() + ", leaving a gap of "
                        + (e.begin() - expected) + " bytes after " + (previous == null ? "the header" : "tensor '" + previous + "'"));
            }
            expected = e.end();
            previous = e.name();
        }
        if (expected != dataLength) {
            throw new CheckpointException(source, (dataLength - expected) + " bytes follow the last tensor"
                    + (previous == null ? "" : " ('" + previous + "')") + "; the header does not describe them");
        }
    }

    // ----- writing ----------------------------------------------------------------------------------------

    /**
     * Writes {@code tensors} as float32 (sorted by name) with {@code metadata}, atomically.
     *
     * @param path     the target
     * @param tensors  the tensors by name
     * @param metadata string metadata (the {@code __metadata__} entry), may be empty
     * @throws IllegalArgumentException for an empty tensor name or one equal to {@code __metadata__}
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        AtomicFileWriter.write(path, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeTo(ch, tensors, metadata);
            }
        });
    }

    /**
     * {@return the whole file as bytes (what {@link #write} puts on disk)}
     *
     * @param tensors  the tensors by name
     * @param metadata string metadata, may be empty
     */
    public static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            writeTo(java.nio.channels.Channels.newChannel(out), tensors, metadata);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static void writeTo(WritableByteChannel ch, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        StringBuilder header = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            header.append(Json.quote(METADATA)).append(":{");
            boolean first = true;
            for (Map.Entry<String, String> m : new TreeMap<>(metadata).entrySet()) {
                header.append(first ? "" : ",").append(Json.quote(m.getKey())).append(':').append(Json.quote(m.getValue()));
                first = false;
            }
            header.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.equals(METADATA)) {
                throw new IllegalArgumentException("safetensors: invalid tensor name '" + name + "'");
            }
            int[] shape = e.getValue().shape();
            long bytes = e.getValue().numel() * 4;
            header.append(header.length() > 1 ? "," : "").append(Json.quote(name)).append(":{\"dtype\":\"F32\",\"shape\":[");
            for (int d = 0; d < shape.length; d++) {
                header.append(d > 0 ? "," : "").append(shape[d]);
            }
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        writeFully(ch, head.flip());
        for (Tensor t : sorted.values()) {
            float[] v = t.toArray();
            int chunk = 1 << 16;
            ByteBuffer buf = ByteBuffer.allocate(Math.min(v.length, chunk) * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < v.length; i += chunk) {
                buf.clear();
                buf.asFloatBuffer().put(v, i, Math.min(chunk, v.length - i));
                buf.limit(Math.min(chunk, v.length - i) * 4);
                writeFully(ch, buf);
            }
        }
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
