package dev.nucleon.cuda;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.BackendProvider;
import dev.nucleon.core.backend.BackendStatus;
import dev.nucleon.core.Device;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Registers the CUDA backend with core ({@code META-INF/services/dev.nucleon.core.backend.BackendProvider}). The
 * probe runs once ({@link CudaProbe}); each device's backend is created on first use and lives for the JVM.
 */
public final class CudaProvider implements BackendProvider {

    private static final Map<Integer, CudaBackend> OPEN = new HashMap<>();

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public BackendStatus probe() {
        CudaProbe.Result r = CudaProbe.result();
        return r.available() ? new BackendStatus("cuda", true, String.join("; ", r.devices()))
                : new BackendStatus("cuda", false, r.reason());
    }

    @Override
    public Backend open(Device device) {
        return backend(device);
    }

    /** The backend of {@code device} ({@code cuda:N}). */
    public static CudaBackend backend(Device device) {
        if (!device.type().equals("cuda")) {
            throw new IllegalArgumentException("cuda: cannot open device " + device);
        }
        CudaProbe.Result r = CudaProbe.result();
        if (!r.available()) {
            throw new CudaUnavailableException(r.reason());
        }
        if (device.index() >= r.devices().size()) {
            throw new IllegalArgumentException("device " + device + ": only " + r.devices().size() + " CUDA device(s) here: "
                    + String.join("; ", r.devices()));
        }
        synchronized (OPEN) {
            return OPEN.computeIfAbsent(device.index(), i -> new CudaBackend(device));
        }
    }

    /** Every kernel the Java side launches, family by family. */
    static List<Kernel> kernels() {
        return Stream.of(ElementwiseOps.KERNELS, ReductionOps.KERNELS, LayoutOps.KERNELS, PoolingOps.KERNELS,
                GemmOps.KERNELS, ConvOps.KERNELS, NormalizationOps.KERNELS).flatMap(List::stream).toList();
    }
}
