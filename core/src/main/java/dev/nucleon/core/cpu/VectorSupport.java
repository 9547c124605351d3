package dev.nucleon.core.cpu;

import java.util.Optional;

/**
 * Whether the JDK's incubating Vector API ({@code jdk.incubator.vector}) is usable in this JVM.
 *
 * <p>The module is only resolved when the JVM starts with {@code --add-modules jdk.incubator.vector}
 * (the {@code nucleon} launcher and the Maven test configuration pass it). Without it, classes that
 * reference the API cannot even be loaded, so the CPU backend asks here first and otherwise uses its
 * plain-Java kernels. {@code -Dnucleon.vector=false} turns the Vector API off on purpose.
 *
 * <p>When the module is simply missing (not turned off on purpose), a one-time {@linkplain #NOTICE notice} says so
 * on stderr, with the flag that fixes it: without it the CPU backend runs about 3× slower. The same line goes to
 * the {@link System.Logger} {@code dev.nucleon.core.cpu.VectorSupport} at level DEBUG (not WARNING: the JDK's
 * default logger also writes to stderr, and would print it twice). {@code -Dnucleon.vector.notice=false} silences
 * the stderr line.
 */
public final class VectorSupport {

    private static final String MODULE = "jdk.incubator.vector";
    /** The one-time notice printed when the Vector API module is missing. */
    public static final String NOTICE = "nucleon: the Vector API (" + MODULE + ") is not available, so the CPU "
            + "backend runs its plain-Java kernels, about 3x slower; start Java with --add-modules " + MODULE
            + " to use it";
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
        if (module.isEmpty() && reason != null && !reason.startsWith("turned off")) {
            notice(Boolean.parseBoolean(System.getProperty("nucleon.vector.notice", "true")) ? System.err : null);
        }
    }

    /** Writes {@link #NOTICE} to {@code err} (when not null) and to the logger at DEBUG; runs once per JVM. */
    static void notice(java.io.PrintStream err) {
        if (err != null) {
            err.println(NOTICE);
        }
        System.getLogger(VectorSupport.class.getName()).log(System.Logger.Level.DEBUG, NOTICE);
    }

    private VectorSupport() {
    }

    /** {@return whether the Vector API kernels are in use} */
    public static boolean isAvailable() {
        return UNAVAILABLE_REASON == null;
    }

    /** {@return the floats per preferred vector (16 on AVX-512, 8 on AVX2); 1 when the Vector API is off} */
    public static int floatLanes() {
        return FLOAT_LANES;
    }

    /** {@return why the Vector API is off (e.g. the {@code --add-modules} flag is missing), or {@code null} when it is on} */
    public static String unavailableReason() {
        return UNAVAILABLE_REASON;
    }

    /** {@return one line for {@code nucleon info}: the vector width in use, or why the Vector API is off} */
    public static String describe() {
        return isAvailable()
                ? "Vector API on (" + FLOAT_LANES * 32 + "-bit, " + FLOAT_LANES + " floats per vector)"
                : "Vector API off: " + UNAVAILABLE_REASON;
    }
}
