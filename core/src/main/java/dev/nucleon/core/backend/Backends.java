package dev.nucleon.core.backend;

import dev.nucleon.core.Device;

import dev.nucleon.core.cpu.CpuBackend;
import dev.nucleon.core.reference.ReferenceBackend;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The registry of backends: the built-in CPU backend, and the GPU backends that register a
 * {@link BackendProvider} through {@link ServiceLoader} ({@code META-INF/services/dev.nucleon.core.backend.BackendProvider}).
 *
 * <p>{@link #statuses()} is what {@code nucleon info} prints: one line per backend, available or not, and
 * never an exception: a provider that fails to load or whose {@link BackendProvider#probe()} throws is
 * reported unavailable with the failure's message.
 */
public final class Backends {

    /** The GPU backend that {@code nucleon info} always reports on, present in the build or not. */
    static final String CUDA = "cuda";

    static final String NO_CUDA_DETAIL = "no CUDA backend on the class path (add dev.nucleon:nucleon-cuda)";

    private Backends() {
    }

    /**
     * {@return the CPU backend, the fast default (a single shared instance)}
     * ({@code Device "reference"} is the plain-loop reference backend.)
     */
    public static Backend cpu() {
        return CpuBackend.INSTANCE;
    }

    /**
     * {@return the CPU backend's status line: its threads ({@code -Dnucleon.threads}) and whether the Vector API is in
     * use}
     */
    public static BackendStatus cpuStatus() {
        return CpuBackend.INSTANCE.status();
    }

    /**
     * The backend serving {@code device}: the CPU, or an available provider of that type.
     *
     * @param device the device, e.g. {@code cpu}, {@code reference}, {@code cuda:0}
     * @return its backend
     * @throws IllegalArgumentException naming the device and why it cannot be used
     */
    public static Backend get(Device device) {
        if (device.isCpu()) {
            return CpuBackend.INSTANCE;
        }
        if (device.equals(ReferenceBackend.DEVICE)) {
            return ReferenceBackend.INSTANCE;
        }
        BackendProvider provider = provider(device.type()).orElseThrow(() -> new IllegalArgumentException(
                "device " + device + ": no " + device.type() + " backend in this build"));
        BackendStatus status = probe(provider);
        if (!status.available()) {
            throw new IllegalArgumentException("device " + device + ": " + device.type() + " unavailable: " + status.detail());
        }
        return provider.open(device);
    }

    /**
     * Why {@code device} cannot be used, or empty when it can: the detail of its backend's status line (as
     * {@code nucleon info} prints it), else the message of {@link #get(Device)}'s failure. The CPU is always usable.
     *
     * @param device the device to check
     * @return the reason, one line; empty when {@link #get(Device)} would succeed
     */
    public static Optional<String> unavailableReason(Device device) {
        if (device.isCpu()) {
            return Optional.empty();
        }
        for (BackendStatus s : statuses()) {
            if (s.name().equalsIgnoreCase(device.type()) && !s.available()) {
                return Optional.of(s.detail());
            }
        }
        try {
            get(device);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(message(e));
        }
    }

    /**
     * The provider registered under {@code name} (case-insensitive), e.g. {@code "cuda"}; empty when none is
     * on the class path. Providers that fail to load are skipped here (see {@link #statuses()} for why).
     *
     * @param name the provider's device type
     * @return the provider, or empty
     */
    public static Optional<BackendProvider> provider(String name) {
        Objects.requireNonNull(name, "backend name");
        for (Loaded loaded : loadProviders()) {
            if (loaded.provider != null && name.equalsIgnoreCase(safeName(loaded.provider))) {
                return Optional.of(loaded.provider);
            }
        }
        return Optional.empty();
    }

    /**
     * One status per backend: the CPU first, then every registered provider in class-path order, and a
     * "cuda" line saying it is absent when no provider serves it.
     *
     * @return the status lines, never throwing for a missing or broken provider
     */
    public static List<BackendStatus> statuses() {
        List<BackendStatus> statuses = new ArrayList<>();
        statuses.add(cpuStatus());
        boolean cuda = false;
        for (Loaded loaded : loadProviders()) {
            BackendStatus status = loaded.provider == null ? loaded.failure : probe(loaded.provider);
            cuda |= CUDA.equalsIgnoreCase(status.name());
            statuses.add(status);
        }
        if (!cuda) {
            statuses.add(new BackendStatus(CUDA, false, NO_CUDA_DETAIL));
        }
        return List.copyOf(statuses);
    }

    /** Calls {@link BackendProvider#probe()}, turning an exception or a null answer into an unavailable status. */
    static BackendStatus probe(BackendProvider provider) {
        String name = safeName(provider);
        try {
            BackendStatus status = provider.probe();
            if (status == null) {
                return new BackendStatus(name, false, "probe returned no status (" + provider.getClass().getName() + ")");
            }
            return status;
        } catch (RuntimeException | LinkageError e) {
            return new BackendStatus(name, false, "probe failed: " + message(e));
        }
    }

    private static String safeName(BackendProvider provider) {
        try {
            String name = provider.name();
            if (name != null && !name.isBlank()) {
                return name.toLowerCase(Locale.ROOT);
            }
        } catch (RuntimeException | LinkageError e) {
            // fall through to the class name: the status line still says which provider it was
        }
        return provider.getClass().getName();
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }

    /** A provider, or the status explaining why one could not be instantiated. */
    private record Loaded(BackendProvider provider, BackendStatus failure) {
    }

    private static List<Loaded> loadProviders() {
        List<Loaded> loaded = new ArrayList<>();
        Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class, classLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                loaded.add(new Loaded(it.next(), null));
            } catch (ServiceConfigurationError | LinkageError e) {
                // a registered class that is missing, fails its static initialiser or its constructor
                loaded.add(new Loaded(null, new BackendStatus(providerNameGuess(e), false,
                        "provider failed to load: " + message(e.getCause() != null ? e.getCause() : e))));
                if (loaded.size() > 64) { // a broken iterator that keeps failing: stop rather than spin
                    break;
                }
            }
        }
        return loaded;
    }

    private static String providerNameGuess(Throwable e) {
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return text.contains(CUDA) ? CUDA : "provider";
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Backends.class.getClassLoader();
    }
}
