package dev.nucleon.cuda;

import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads the shipped kernel binaries into a context on first use: one {@code cuModuleLoadData} per family
 * ({@code /dev/nucleon/cuda/kernels/<family>.fatbin}), one {@code cuModuleGetFunction} per kernel, both
 * cached. The driver picks the sm_80/sm_90 machine code when it matches the GPU, else JIT-compiles the
 * compute_75 PTX once (and caches it in ~/.nv/ComputeCache).
 */
final class KernelLibrary {

    static final String RESOURCE_DIR = "/dev/nucleon/cuda/kernels/";

    private final CudaContext context;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<Kernel, CUfunction> functions = new HashMap<>();

    KernelLibrary(CudaContext context) {
        this.context = context;
    }

    synchronized CUfunction function(Kernel kernel) {
        CUfunction f = functions.get(kernel);
        if (f == null) {
            CUmodule module = modules.computeIfAbsent(kernel.family(), this::load);
            f = new CUfunction();
            context.bind();
            JCudaDriver.cuModuleGetFunction(f, module, kernel.name());
            functions.put(kernel, f);
        }
        return f;
    }

    private CUmodule load(String family) {
        byte[] image = binary(family);
        CUmodule module = new CUmodule();
        context.bind();
        try {
            JCudaDriver.cuModuleLoadData(module, image);
        } catch (jcuda.CudaException e) {
            // CudaProbe refuses drivers older than the kernels need; this names the family if one slips through
            throw new IllegalStateException("cuda: the driver cannot load " + family + ".fatbin on " + context.device()
                    + " (" + e.getMessage() + "); the kernels need a driver for CUDA "
                    + CudaProbe.cudaVersionString(CudaProbe.MIN_DRIVER_VERSION) + " or newer (r580+)", e);
        }
        return module;
    }

    /** The bytes of a family's fatbin from the class path. */
    static byte[] binary(String family) {
        String path = RESOURCE_DIR + family + ".fatbin";
        try (InputStream in = KernelLibrary.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("cuda: kernel binary " + path + " is missing from the class path "
                        + "(build the cuda module with nvcc on the PATH: cuda/build-kernels.sh)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cuda: cannot read kernel binary " + path, e);
        }
    }

    synchronized void unloadAll() {
        context.bind();
        for (CUmodule m : modules.values()) {
            JCudaDriver.cuModuleUnload(m);
        }
        modules.clear();
        functions.clear();
    }
}
