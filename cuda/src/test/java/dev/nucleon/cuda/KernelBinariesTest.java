package dev.nucleon.cuda;

import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.RandomDistribution;
import dev.nucleon.core.backend.ReduceOp;
import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.core.backend.UpsampleMode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks, without a GPU, that the kernel binaries shipped in the jar belong to the sources and to the
 * Java code that launches them:
 * <ul>
 *   <li>every {@code .cu} has a fatbin and a signature file, and the recorded source hash matches (else
 *       the binaries are stale: run {@code cuda/build-kernels.sh} with nvcc);</li>
 *   <li>every {@link Kernel} the Java side declares exists in the compiled PTX with exactly the declared
 *       parameter types;</li>
 *   <li>the op numbering the kernels switch on matches core's enums.</li>
 * </ul>
 */
class KernelBinariesTest {

    private static final Path SOURCES = Path.of("src/main/cuda");

    private static String resource(String name) throws IOException {
        try (InputStream in = KernelBinariesTest.class.getResourceAsStream(KernelLibrary.RESOURCE_DIR + name)) {
            assertNotNull(in, "kernel resource " + name + " is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<Path> list(String glob) throws IOException {
        try (Stream<Path> s = Files.list(SOURCES)) {
            return s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
                    .sorted().toList();
        }
    }

    /** The same hash as build-kernels.sh: SHA-256 of nvcc.flags, then the headers in name order, then the .cu. */
    static String sourceHash(Path cu) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(Files.readAllBytes(SOURCES.resolve("nvcc.flags")));
        for (Path h : list("*.cuh")) {
            all.write(Files.readAllBytes(h));
        }
        all.write(Files.readAllBytes(cu));
        return HexFormat.of().formatHex(sha.digest(all.toByteArray()));
    }

    private static Map<String, String> manifest() throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : resource("kernels.sha256").split("\n")) {
            if (!line.isBlank()) {
                String[] parts = line.trim().split("\\s+");
                m.put(parts[1], parts[0]);
            }
        }
        return m;
    }

    @Test
    void shippedBinariesAreBuiltFromTheCurrentSources() throws Exception {
        Map<String, String> manifest = manifest();
        List<Path> sources = list("*.cu");
        assertFalse(sources.isEmpty(), "no kernel sources under " + SOURCES.toAbsolutePath());
        List<String> stale = new ArrayList<>();
        for (Path cu : sources) {
            String name = cu.getFileName().toString();
            String family = name.substring(0, name.length() - 3);
            assertNotNull(KernelBinariesTest.class.getResource(KernelLibrary.RESOURCE_DIR + family + ".fatbin"),
                    family + ".fatbin missing: run cuda/build-kernels.sh with nvcc");
            resource(family + ".sig");
            if (!sourceHash(cu).equals(manifest.get(name))) {
                stale.add(name);
            }
        }
        assertTrue(stale.isEmpty(), "kernel binaries are stale against their sources " + stale
                + ": run cuda/build-kernels.sh with nvcc on the PATH and commit src/main/resources/dev/nucleon/cuda/kernels");
        Set<String> sourceNames = sources.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertEquals(sourceNames, manifest.keySet(), "kernels.sha256 lists a family without a source, or misses one");
    }

    @Test
    void everyLaunchedKernelExistsWithTheDeclaredParameterTypes() throws IOException {
        Map<String, Set<String>> signatures = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Kernel k : CudaProvider.kernels()) {
            Set<String> sig = signatures.get(k.family());
            if (sig == null) {
                sig = new TreeSet<>(Arrays.asList(resource(k.family() + ".sig").split("\n")));
                signatures.put(k.family(), sig);
            }
            if (!sig.contains(k.signature())) {
                String compiled = sig.stream().filter(s -> s.startsWith(k.name() + " ") || s.equals(k.name()))
                        .findFirst().orElse("(no such kernel)");
                problems.add(k + ": Java declares '" + k.signature() + "', the binary has '" + compiled + "'");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertFalse(CudaProvider.kernels().isEmpty());
    }

    /** The names listed in a C enum of a .cu file, in order. */
    private static List<String> cEnum(String file, String name) throws IOException {
        String text = Files.readString(SOURCES.resolve(file));
        Matcher m = Pattern.compile("enum " + name + "\\s*\\{([^}]*)}").matcher(text);
        assertTrue(m.find(), "enum " + name + " not found in " + file);
        return Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Every row of core's UnaryOp table has a forward and a gradient case in the kernels (else they return NaN). */
    @Test
    void everyUnaryOpHasAKernelCase() throws IOException {
        String text = Files.readString(SOURCES.resolve("elementwise.cu"));
        for (String function : List.of("unary_value", "unary_gradient")) {
            Matcher m = Pattern.compile(function + "\\([^)]*\\)\\s*\\{(.*?)\\n}", Pattern.DOTALL).matcher(text);
            assertTrue(m.find(), function + " not found in elementwise.cu");
            for (UnaryOp op : UnaryOp.values()) {
                assertTrue(m.group(1).contains("case " + op.name() + ":"), "elementwise.cu: " + function
                        + " has no case for " + op + " (a row of dev.nucleon.core.backend.UnaryOp)");
            }
        }
    }

    @Test
    void kernelOpNumberingMatchesCoreEnums() throws IOException {
        assertEquals(Arrays.stream(UnaryOp.values()).map(Enum::name).toList(), cEnum("elementwise.cu", "Unary"));
        assertEquals(Arrays.stream(RandomDistribution.values()).map(Enum::name).toList(),
                cEnum("elementwise.cu", "Distribution"));
        assertEquals(Arrays.stream(BinaryOp.values()).map(Enum::name).toList(), cEnum("elementwise.cu", "Binary"));
        assertEquals(Arrays.stream(ReduceOp.values()).map(Enum::name).toList(), cEnum("reduce.cu", "Reduce"));
        assertEquals(Arrays.stream(UpsampleMode.values()).map(Enum::name).toList(), cEnum("pool.cu", "Upsample"));
    }
}
