package dev.nucleon.opencl;

import dev.nucleon.core.Device;
import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.BackendProvider;
import dev.nucleon.core.backend.BackendStatus;

import java.util.HashMap;
import java.util.Map;

/**
 * Registers the OpenCL backend with core ({@code META-INF/services/dev.nucleon.core.backend.BackendProvider}):
 * {@code --device opencl} or {@code opencl:N}, N counting devices across platforms as {@link OpenClProbe} lists
 * them. The probe runs once; each device's backend is created (its kernels built) on first use and lives for the
 * JVM. A device whose kernels fail to build is remembered with the reason, so every later request gets the same
 * one-line answer.
 */
public final class OpenClProvider implements BackendProvider {

    private static final Map<Integer, OpenClBackend> OPEN = new HashMap<>();
    private static final Map<Integer, RuntimeException> FAILED = new HashMap<>();

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public BackendStatus probe() {
        OpenClProbe.Result r = OpenClProbe.result();
        return r.available() ? new BackendStatus("opencl", true, String.join("; ", r.devices()))
                : new BackendStatus("opencl", false, r.reason());
    }

    /**
     * {@inheritDoc} A device that cannot be opened (its kernels do not build, the driver refuses a context) is an
     * {@link IllegalArgumentException} {@code "device opencl:N: <reason>"}, as core's {@code Backends.get} words an
     * unavailable device, so {@code --device opencl} prints "OpenCL unavailable: device opencl:0: kernel build failed
     * for gemm.cl: …; falling back to CPU".
     */
    @Override
    public Backend open(Device device) {
        try {
            return backend(device);
        } catch (OpenClUnavailableException e) {
            throw new IllegalArgumentException("device " + device + ": " + e.reason(), e);
        }
    }

    /**
     * {@return the backend of {@code device} ({@code opencl:N})}
     *
     * @param device an OpenCL device
     * @throws OpenClUnavailableException when OpenCL cannot run here or the device's kernels do not build
     * @throws IllegalArgumentException   when there is no device N
     */
    public static OpenClBackend backend(Device device) {
        if (!device.type().equals("opencl")) {
            throw new IllegalArgumentException("opencl: cannot open device " + device);
        }
        OpenClProbe.Result r = OpenClProbe.result();
        if (!r.available()) {
            throw new OpenClUnavailableException(r.reason());
        }
        if (device.index() >= r.found().size()) {
            throw new IllegalArgumentException("device " + device + ": only " + r.found().size() + " OpenCL device(s) here: "
                    + String.join("; ", r.devices()));
        }
        synchronized (OPEN) {
            RuntimeException failed = FAILED.get(device.index());
            if (failed != null) {
                throw failed;
            }
            OpenClBackend backend = OPEN.get(device.index());
            if (backend == null) {
                try {
                    backend = new OpenClBackend(device, r.found().get(device.index()));
                } catch (OpenClUnavailableException e) {
                    FAILED.put(device.index(), e);
                    throw e;
                } catch (RuntimeException e) {
                    OpenClUnavailableException u = new OpenClUnavailableException("cannot open " + device + ": "
                            + OpenClProbe.firstLine(e.getMessage()));
                    FAILED.put(device.index(), u);
                    throw u;
                }
                OPEN.put(device.index(), backend);
            }
            return backend;
        }
    }
}
