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
        String skipped = r.skipped().isEmpty() ? "" : "; skipped: " + String.join("; ", r.skipped());
        return r.available() ? new BackendStatus("cuda", true, String.join("; ", r.devices()) + skipped)
                : new BackendStatus("cuda", false, r.reason());
    }

    @Override
    public Backend open(Device device) {
        return backend(device);
    }

    /** The backend of {@code device} ({@code cuda:N}, the N-th usable GPU: see {@link CudaProbe}). */
    public static CudaBackend backend(Device device) {
        int ordinal = driverOrdinal(CudaProbe.result(), device);
        synchronized (OPEN) {
            return OPEN.computeIfAbsent(device.index(), i -> new CudaBackend(device, ordinal));
        }
    }

    /**
     * The driver ordinal that {@code cuda:N} opens under the probe's result {@code r}: the N-th usable device's
     * (the probe's list, the provider's check and the context's {@code cuDeviceGet} all count the same way).
     *
     * @throws CudaUnavailableException when CUDA cannot run here
     * @throws IllegalArgumentException when there is no N-th usable device
     */
    static int driverOrdinal(CudaProbe.Result r, Device device) {
        if (!device.type().equals("cuda")) {
            throw new IllegalArgumentException("cuda: cannot open device " + device);
        }
        if (!r.available()) {
            throw new CudaUnavailableException(r.reason());
        }
        if (device.index() < 0 || device.index() >= r.devices().size()) {
            throw new IllegalArgumentException("device " + device + ": only " + r.devices().size()
                    + " usable CUDA device(s) here: " + String.join("; ", r.devices())
                    + (r.skipped().isEmpty() ? "" : "; skipped: " + String.join("; ", r.skipped())));
        }
        return r.ordinal(device.index());
    }

    /** Every kernel the Java side launches, family by family. */
    static List<Kernel> kernels() {
        return Stream.of(ElementwiseOps.KERNELS, ReductionOps.KERNELS, LayoutOps.KERNELS, PoolingOps.KERNELS,
                GemmOps.KERNELS, ConvOps.KERNELS, NormalizationOps.KERNELS, DetectionOps.KERNELS).flatMap(List::stream).toList();
    }
}
