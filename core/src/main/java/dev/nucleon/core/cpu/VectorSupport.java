package dev.nucleon.core.cpu;

import java.util.Optional;

/**
 * Whether the JDK's incubating Vector API ({@code jdk.incubator.vector}) is usable in this JVM.
 *
 * <p>The module is only resolved when the JVM starts with {@code --add-modules jdk.incubator.vector}
 * (the {@code nucleon} launcher and the Maven test configuration pass it). Without it, classes that
 * reference the API cannot even be loaded, so the CPU backend asks here first and otherwise uses its
 * plain-Java kernels. {@code -Dnucleon.vector=false} turns the Vector API off on purpose.
 */
public final class VectorSupport {

    private static final String MODULE = "jdk.incubator.vector";
    private static final String UNAVAILABLE_REASON;
    private static final int FLOAT_LANES;

    static {
        String reason = null;
        int lanes = 1;
        Optional<Module> module = ModuleLayer.boot().findModule(MODULE);
        if (!Boolean.parseBoolean(System.getProperty("nucleon.vector", "true"))) {
            reason = "turned off by -Dnucleon.vector=false";
        } else if (module.isEmpty()) {
            reason = "module " + MODULE + " not added (start the JVM with --add-modules " + MODULE + ")";
        } else {
            try {
                lanes = VectorLanes.preferredFloatLanes();
            } catch (Throwable e) { // LinkageError on exotic JVMs: fall back, and say why
                reason = "Vector API present but failed to initialise: " + e;
            }
        }
        UNAVAILABLE_REASON = reason;
        FLOAT_LANES = reason == null ? lanes : 1;
    }

    private VectorSupport() {
    }

    /** True when the Vector API kernels are in use. */
    public static boolean isAvailable() {
        return UNAVAILABLE_REASON == null;
    }

    /** Floats per preferred vector (16 on AVX-512, 8 on AVX2); 1 when the Vector API is off. */
    public static int floatLanes() {
        return FLOAT_LANES;
    }

    /** Why the Vector API is off, or {@code null} when it is on. */
    public static String unavailableReason() {
        return UNAVAILABLE_REASON;
    }

    /** One line for {@code nucleon info}. */
    public static String describe() {
        return isAvailable()
                ? "Vector API on (" + FLOAT_LANES * 32 + "-bit, " + FLOAT_LANES + " floats per vector)"
                : "Vector API off: " + UNAVAILABLE_REASON;
    }
}
