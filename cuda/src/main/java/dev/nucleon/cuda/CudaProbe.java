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
 * ({@code libcuda.so.1}) is present, {@code cuInit} succeeds, the driver is new enough for the shipped kernels
 * (they are built by nvcc 13: PTX ISA 9.0, which a driver loads only from CUDA 13.0, release r580, on) and at
 * least one device of compute capability 7.5 or newer (what our PTX targets) exists. Never throws: a missing
 * piece becomes the reason that {@code nucleon info} prints and GPU tests skip with, and {@code --device cuda}
 * falls back to the CPU with it instead of failing later at module load.
 *
 * <p>Numbering: {@code cuda:N} is the N-th <em>usable</em> device in the driver's order; {@link Result#ordinal}
 * gives the driver's own ordinal of it, which is what {@link CudaContext} opens. With an sm_70 card at driver
 * ordinal 0 and an H100 at ordinal 1, {@code cuda:0} is the H100 (driver ordinal 1). The decision is the pure
 * function {@link #select}, tested with fake versions and device lists.
 */
public final class CudaProbe {

    /** The oldest GPU the shipped kernels run on (their PTX is compute_75). */
    static final int MIN_COMPUTE_CAPABILITY = 75;

    /**
     * The oldest driver that loads the shipped kernels, as {@code cuDriverGetVersion} reports it
     * (1000 · major + 10 · minor of the newest CUDA it supports): 13000 = CUDA 13.0, driver r580. nvcc 13
     * writes PTX ISA 9.0, and its sm_80/sm_90 code is CUDA-13 code; an older driver rejects both at
     * {@code cuModuleLoadData} ("the provided PTX was compiled with an unsupported toolchain").
     */
    static final int MIN_DRIVER_VERSION = 13_000;

    /**
     * @param devices  one line per usable device, numbered as {@code cuda:N} is, e.g.
     *                 "cuda:0 NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB)"
     * @param ordinals the driver's ordinal of each usable device: {@code cuda:N} opens {@code ordinals.get(N)}
     * @param skipped  one line per device the kernels cannot run on, and why (may be non-empty when available)
     */
    public record Result(boolean available, String reason, List<String> devices, List<Integer> ordinals,
                         List<String> skipped) {

        /** The driver's ordinal of {@code cuda:index}; index must be below {@code devices().size()}. */
        public int ordinal(int index) {
            return ordinals.get(index);
        }
    }

    /** One device as the driver lists it. */
    record DeviceInfo(int ordinal, String name, int computeCapability, long totalBytes) {
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
            int[] version = {0};
            JCudaDriver.cuDriverGetVersion(version);
            String driverProblem = driverProblem(version[0]);
            if (driverProblem != null) {
                return unavailable(driverProblem); // before touching the devices: nothing of ours could load
            }
            int[] count = {0};
            JCudaDriver.cuDeviceGetCount(count);
            List<DeviceInfo> all = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                CUdevice device = new CUdevice();
                JCudaDriver.cuDeviceGet(device, i);
                long[] bytes = {0};
                JCudaDriver.cuDeviceTotalMem(bytes, device);
                all.add(new DeviceInfo(i, name(device), computeCapability(device), bytes[0]));
            }
            return select(version[0], all);
        } catch (UnsatisfiedLinkError e) {
            return unavailable(explainLinkError(e));
        } catch (CudaException e) {
            return unavailable("cuInit failed: " + e.getMessage());
        } catch (LinkageError | RuntimeException e) {
            return unavailable(e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
        }
    }

    /**
     * Why a driver reporting {@code cudaVersion} ({@code cuDriverGetVersion}: 12040 = CUDA 12.4) cannot load
     * the shipped kernels, or null when it can.
     */
    static String driverProblem(int cudaVersion) {
        if (cudaVersion >= MIN_DRIVER_VERSION) {
            return null;
        }
        String has = cudaVersion <= 0 ? "does not report its CUDA version"
                : "supports CUDA " + cudaVersionString(cudaVersion) + " at most";
        return "the NVIDIA driver " + has + "; the kernels (PTX ISA 9.0, nvcc 13) need CUDA "
                + cudaVersionString(MIN_DRIVER_VERSION) + " or newer (driver r580+): update the NVIDIA driver";
    }

    /** 12040 → "12.4", 13000 → "13.0". */
    static String cudaVersionString(int cudaVersion) {
        return cudaVersion / 1000 + "." + cudaVersion % 1000 / 10;
    }

    /**
     * The probe's decision from what the driver reported: unavailable when the driver is too old or no
     * device is recent enough; else the usable devices numbered {@code cuda:0, cuda:1, …} in driver order,
     * each with its driver ordinal, and the skipped ones with the reason.
     */
    static Result select(int driverVersion, List<DeviceInfo> all) {
        String driverProblem = driverProblem(driverVersion);
        if (driverProblem != null) {
            return unavailable(driverProblem);
        }
        if (all.isEmpty()) {
            return unavailable("the NVIDIA driver reports no CUDA device");
        }
        List<String> devices = new ArrayList<>();
        List<Integer> ordinals = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (DeviceInfo d : all) {
            String memory = String.format(java.util.Locale.ROOT, "%.1f GiB", d.totalBytes() / (double) (1L << 30));
            if (d.computeCapability() >= MIN_COMPUTE_CAPABILITY) {
                int index = devices.size();
                devices.add("cuda:" + index + " " + d.name() + " (sm_" + d.computeCapability() + ", " + memory
                        + (d.ordinal() != index ? ", driver ordinal " + d.ordinal() : "") + ")");
                ordinals.add(d.ordinal());
            } else {
                skipped.add("driver ordinal " + d.ordinal() + " " + d.name() + " (sm_" + d.computeCapability() + ", " + memory
                        + ") is older than sm_" + MIN_COMPUTE_CAPABILITY);
            }
        }
        if (devices.isEmpty()) {
            return new Result(false, "no device of compute capability 7.5 or newer (found " + String.join("; ", skipped) + ")",
                    List.of(), List.of(), List.copyOf(skipped));
        }
        return new Result(true, "", List.copyOf(devices), List.copyOf(ordinals), List.copyOf(skipped));
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
        return new Result(false, reason, List.of(), List.of(), List.of());
    }
}
