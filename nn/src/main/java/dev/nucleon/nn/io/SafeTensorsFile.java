package dev.nucleon.nn.io;

import dev.nucleon.core.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file read by {@link SafeTensors#read(Path)}: its metadata, and its tensors by name in header
 * order. The header has been validated; each tensor is converted to float32 when asked for
 * ({@link DType} says how), so an unconvertible tensor fails only if it is used.
 */
public final class SafeTensorsFile {

    /** One tensor's header entry; {@code begin}/{@code end} are byte offsets into the data section. */
    public record Entry(String name, DType dtype, int[] shape, long begin, long end) {

        /** {@return the element count, the product of the shape} */
        public long numel() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path path;
    private final String source;
    private final Map<String, String> metadata;
    private final Map<String, Entry> entries;
    private final ByteBuffer data;

    SafeTensorsFile(Path path, String source, Map<String, String> metadata, Map<String, Entry> entries, ByteBuffer data) {
        this.path = path;
        this.source = source;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        this.data = data;
    }

    /**
     * {@return the file read, or null when it came from a stream ({@link SafeTensors#read(java.io.InputStream, String)})}
     */
    public Path path() {
        return path;
    }

    /** {@return what messages call it: the file's path, or the name a stream was read under} */
    public String source() {
        return source;
    }

    /** {@return the {@code __metadata__} map (empty when the file has none)} */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** {@return tensor names in header order} */
    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    /**
     * {@return whether the file holds a tensor of that name}
     *
     * @param name a tensor name
     */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /**
     * {@return the header entry of {@code name}}
     *
     * @param name a tensor name
     * @throws CheckpointException when the file holds no such tensor
     */
    public Entry entry(String name) throws CheckpointException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new CheckpointException(source, "no tensor '" + name + "' (the file holds " + entries.size() + ": "
                    + abbreviate(entries.keySet()) + ")");
        }
        return e;
    }

    /**
     * {@return the tensor {@code name} as a float32 CPU tensor}
     *
     * @param name a tensor name
     * @throws CheckpointException when the file holds no such tensor, or a value cannot be converted to float32
     */
    public Tensor tensor(String name) throws CheckpointException {
        Entry e = entry(name);
        ByteBuffer slice = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        slice.position((int) e.begin()).limit((int) e.end());
        float[] values;
        try {
            values = e.dtype().toFloats(slice.slice().order(ByteOrder.LITTLE_ENDIAN), (int) e.numel());
        } catch (IllegalArgumentException ex) {
            throw new CheckpointException(source, "tensor '" + name + "' (" + e.dtype() + "): " + ex.getMessage()
                    + "; Nucleon holds float32 only", ex);
        }
        return Tensor.of(values, e.shape());
    }

    /**
     * {@return every tensor, converted, in header order}
     *
     * @throws CheckpointException when a value cannot be converted to float32
     */
    public Map<String, Tensor> tensors() throws CheckpointException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : entries.keySet()) {
            out.put(name, tensor(name));
        }
        return out;
    }

    static String abbreviate(java.util.Collection<String> names) {
        List<String> list = new ArrayList<>(names);
        return list.size() <= 8 ? list.toString() : list.subList(0, 8) + " … (" + (list.size() - 8) + " more)";
    }
}
