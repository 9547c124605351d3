package dev.nucleon.cuda;

import jcuda.CudaException;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

import java.util.ArrayList;
import java.util.List;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;

/**
 * Finds out once per JVM whether CUDA can run here: the JCuda native library loads, the NVIDIA driver
 * ({@code libcuda.so.1}) is present, {@code cuInit} succeeds and at least one device of compute capability
 * 7.5 or newer (what our PTX targets) exists. Never throws: a missing piece becomes the reason that
 * {@code nucleon info} prints and GPU tests skip with.
 */
public final class CudaProbe {

    /** The oldest GPU the shipped kernels run on (their PTX is compute_75). */
    static final int MIN_COMPUTE_CAPABILITY = 75;

    /** @param devices one line per usable device, e.g. "cuda:0 NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB)" */
    public record Result(boolean available, String reason, List<String> devices) {
    }

    private static volatile Result result;

    private CudaProbe() {
    }

    /** The probe's result, computed on first use. */
    public static Result result() {
        Result r = result;
        if (r == null) {
            synchronized (CudaProbe.class) {
                if (result == null) {
                    result = probe();
                }
                r = result;
            }
        }
        return r;
    }

    /** Whether CUDA can run here. */
    public static boolean available() {
        return result().available();
    }

    /** Why CUDA cannot run here (empty when it can). */
    public static String reason() {
        return result().reason();
    }

    private static Result probe() {
        if (Boolean.getBoolean("nucleon.cuda.disable")) {
            return unavailable("disabled by -Dnucleon.cuda.disable=true");
        }
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
            int[] count = {0};
            JCudaDriver.cuDeviceGetCount(count);
            if (count[0] == 0) {
                return unavailable("the NVIDIA driver reports no CUDA device");
            }
            List<String> devices = new ArrayList<>();
            List<String> tooOld = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                CUdevice device = new CUdevice();
                JCudaDriver.cuDeviceGet(device, i);
                int capability = computeCapability(device);
                String line = describe(i, device, capability);
                (capability >= MIN_COMPUTE_CAPABILITY ? devices : tooOld).add(line);
            }
            if (devices.isEmpty()) {
                return unavailable("no device of compute capability 7.5 or newer (found " + String.join("; ", tooOld) + ")");
            }
            return new Result(true, "", List.copyOf(devices));
        } catch (UnsatisfiedLinkError e) {
            return unavailable(explainLinkError(e));
        } catch (CudaException e) {
            return unavailable("cuInit failed: " + e.getMessage());
        } catch (LinkageError | RuntimeException e) {
            return unavailable(e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
        }
    }

    static int computeCapability(CUdevice device) {
        int[] major = {0};
        int[] minor = {0};
        JCudaDriver.cuDeviceGetAttribute(major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        JCudaDriver.cuDeviceGetAttribute(minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        return major[0] * 10 + minor[0];
    }

    /** The device's marketing name, e.g. "NVIDIA H100 80GB HBM3". */
    static String name(CUdevice device) {
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, device);
        int end = 0;
        while (end < name.length && name[end] != 0) {
            end++;
        }
        return new String(name, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String describe(int ordinal, CUdevice device, int capability) {
        long[] bytes = {0};
        JCudaDriver.cuDeviceTotalMem(bytes, device);
        return String.format(java.util.Locale.ROOT, "cuda:%d %s (sm_%d, %.1f GiB)", ordinal, name(device), capability,
                bytes[0] / (double) (1L << 30));
    }

    /**
     * JCuda's link error lists every attempt over many lines; the line that matters names the missing
     * shared object (normally the driver's libcuda.so.1).
     */
    static String explainLinkError(UnsatisfiedLinkError e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        for (String line : message.split("\n")) {
            if (line.contains("libcuda.so")) {
                return "no NVIDIA driver: libcuda.so.1 cannot be loaded";
            }
        }
        for (String line : message.split("\n")) {
            if (line.contains("cannot open shared object file")) {
                return "a native library cannot be loaded: " + line.trim();
            }
        }
        return "the JCuda driver library cannot be loaded on " + System.getProperty("os.name") + "/"
                + System.getProperty("os.arch") + ": " + firstLine(message);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Result unavailable(String reason) {
        return new Result(false, reason, List.of());
    }
}
