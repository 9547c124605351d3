package dev.nucleon.opencl;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernels of one context, built from the {@code .cl} files beside this class (each program is
 * {@code common.cl} followed by one family's file). Programs are built once per context, all of them when the
 * backend opens ({@link #buildAll()}), so a build failure is reported at {@code --device opencl} rather than in the
 * middle of a network, and the driver's compile time (PoCL: about a second per file) is paid once per JVM. Kernel
 * objects are created once per name and reused; the caller ({@link OpenClContext#launch}) serialises the setting of
 * their arguments.
 */
final class KernelLibrary {

    /** The programs: a kernel family's {@code .cl} file each, and the variants of {@link #VARIANTS}. */
    static final List<String> PROGRAMS = List.of("layout", "elementwise", "reduce", "gemm", "conv", "conv_narrow", "pool",
            "normalization", "detection");

    /**
     * Programs built from another family's file with extra build options: {@code conv_narrow} is conv.cl with one
     * output row per work-item (16-row blocks, for convolutions with few channels; see conv.cl).
     */
    static final Map<String, Variant> VARIANTS = Map.of("conv_narrow", new Variant("conv", "-DWPT_M=1"));

    /** A program built from {@code family}'s file with {@code options} added. */
    record Variant(String family, String options) {
    }

    /**
     * Files a family's program includes between common.cl and its own (conv applies elementwise's activations and
     * runs gemm's blocked product).
     */
    static final Map<String, List<String>> INCLUDES = Map.of("conv", List.of("elementwise", "gemm"));

    private final cl_context context;
    private final cl_device_id device;
    private final String options;
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, cl_kernel> kernels = new HashMap<>();

    KernelLibrary(cl_context context, cl_device_id device, String options) {
        this.context = context;
        this.device = device;
        this.options = options;
    }

    /** Builds every program; throws {@link OpenClUnavailableException} naming the file and the compiler's first error. */
    void buildAll() {
        for (String name : PROGRAMS) {
            program(name);
        }
    }

    /** {@return the kernel {@code name} of program {@code family}} */
    synchronized cl_kernel kernel(String family, String name) {
        String key = family + "/" + name;
        cl_kernel k = kernels.get(key);
        if (k == null) {
            k = CL.clCreateKernel(program(family), name, null);
            kernels.put(key, k);
        }
        return k;
    }

    private synchronized cl_program program(String family) {
        cl_program p = programs.get(family);
        if (p != null) {
            return p;
        }
        Variant variant = VARIANTS.getOrDefault(family, new Variant(family, ""));
        String file = variant.family();
        List<String> files = new java.util.ArrayList<>(List.of("common"));
        files.addAll(INCLUDES.getOrDefault(file, List.of()));
        files.add(file);
        String[] sources = files.stream().map(KernelLibrary::source).toArray(String[]::new);
        p = CL.clCreateProgramWithSource(context, sources.length, sources, null, null);
        try {
            CL.clBuildProgram(p, 1, new cl_device_id[] {device}, (options + " " + variant.options()).strip(), null, null);
        } catch (CLException e) {
            String log = buildLog(p);
            CL.clReleaseProgram(p);
            throw new OpenClUnavailableException("kernel build failed for " + file + ".cl"
                    + (variant.options().isEmpty() ? "" : " (" + variant.options() + ")") + ": " + firstError(log, e));
        }
        programs.put(family, p);
        return p;
    }

    /** The first line of the build log that names an error, else its first non-empty line, else the status. */
    static String firstError(String log, CLException e) {
        String first = null;
        for (String line : log.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.contains("error")) {
                return line.strip();
            }
            if (first == null) {
                first = line.strip();
            }
        }
        return first != null ? first : CL.stringFor_errorCode(e.getStatus());
    }

    private String buildLog(cl_program p) {
        try {
            long[] size = {0};
            CL.clGetProgramBuildInfo(p, device, CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) size[0]];
            CL.clGetProgramBuildInfo(p, device, CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            int end = 0;
            while (end < log.length && log[end] != 0) {
                end++;
            }
            return new String(log, 0, end, StandardCharsets.UTF_8);
        } catch (CLException e) {
            return "";
        }
    }

    /** {@return the text of {@code <family>.cl}, a resource beside this class} */
    static String source(String family) {
        String file = family + ".cl";
        try (InputStream in = KernelLibrary.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("opencl: kernel source " + file + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("opencl: cannot read kernel source " + file, e);
        }
    }

    /** Releases every kernel and program (the context is going away). */
    synchronized void release() {
        kernels.values().forEach(CL::clReleaseKernel);
        programs.values().forEach(CL::clReleaseProgram);
        kernels.clear();
        programs.clear();
    }
}
