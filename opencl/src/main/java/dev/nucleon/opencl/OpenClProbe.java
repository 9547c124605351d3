package dev.nucleon.opencl;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds out once per JVM whether OpenCL can run here: JOCL's native library loads, the system's ICD loader
 * ({@code libOpenCL.so}) is present, it finds a platform (a driver: PoCL, NVIDIA, AMD, Intel, Apple) and a platform
 * has a device. Devices are numbered across platforms in the loader's order: {@code opencl:0} is the first device
 * of the first platform that has one. Never throws: a missing piece becomes the one-line reason that
 * {@code nucleon info} prints and the OpenCL tests skip with.
 */
public final class OpenClProbe {

    /**
     * One usable device.
     *
     * @param ordinal  its N in {@code opencl:N}
     * @param platform the platform (driver) it belongs to
     * @param device   the device handle
     * @param line     what {@code nucleon info} prints for it
     */
    record Found(int ordinal, cl_platform_id platform, cl_device_id device, String line) {
    }

    /**
     * The probe's answer.
     *
     * @param available whether at least one device can run ops
     * @param reason    why not (empty when available)
     * @param devices   one line per usable device, e.g. "opencl:0 pthread-skylake (Portable Computing Language, CPU, …)"
     * @param found     the devices themselves, in {@code opencl:N} order
     */
    public record Result(boolean available, String reason, List<String> devices, List<Found> found) {
    }

    private static volatile Result result;

    private OpenClProbe() {
    }

    /** {@return the probe's result, computed on first use} */
    public static Result result() {
        Result r = result;
        if (r == null) {
            synchronized (OpenClProbe.class) {
                if (result == null) {
                    result = probe();
                }
                r = result;
            }
        }
        return r;
    }

    /** {@return whether OpenCL can run here} */
    public static boolean available() {
        return result().available();
    }

    /** {@return why OpenCL cannot run here (empty when it can)} */
    public static String reason() {
        return result().reason();
    }

    private static Result probe() {
        if (Boolean.getBoolean("nucleon.opencl.disable")) {
            return unavailable("disabled by -Dnucleon.opencl.disable=true");
        }
        try {
            CL.setExceptionsEnabled(true);
            int[] count = {0};
            try {
                CL.clGetPlatformIDs(0, null, count);
            } catch (CLException e) {
                if (e.getStatus() == CL.CL_PLATFORM_NOT_FOUND_KHR) {
                    return unavailable(NO_PLATFORM);
                }
                throw e;
            }
            if (count[0] == 0) {
                return unavailable(NO_PLATFORM);
            }
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            CL.clGetPlatformIDs(platforms.length, platforms, null);
            List<Found> found = new ArrayList<>();
            List<String> empty = new ArrayList<>();
            for (cl_platform_id platform : platforms) {
                String platformName = platformString(platform, CL.CL_PLATFORM_NAME);
                int[] devices = {0};
                try {
                    CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, 0, null, devices);
                } catch (CLException e) {
                    if (e.getStatus() != CL.CL_DEVICE_NOT_FOUND) {
                        empty.add(platformName + " (" + CL.stringFor_errorCode(e.getStatus()) + ")");
                        continue;
                    }
                    devices[0] = 0;
                }
                if (devices[0] == 0) {
                    empty.add(platformName);
                    continue;
                }
                cl_device_id[] ids = new cl_device_id[devices[0]];
                CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null);
                for (cl_device_id id : ids) {
                    int ordinal = found.size();
                    found.add(new Found(ordinal, platform, id, describe(ordinal, platformName, id)));
                }
            }
            if (found.isEmpty()) {
                return unavailable(noDevice(empty));
            }
            return new Result(true, "", found.stream().map(Found::line).toList(), List.copyOf(found));
        } catch (UnsatisfiedLinkError e) {
            return unavailable(explainLinkError(e, loaderInstalledUnderItsSoname()));
        } catch (CLException e) {
            return unavailable("the OpenCL ICD loader failed: " + CL.stringFor_errorCode(e.getStatus()));
        } catch (LinkageError | RuntimeException e) {
            return unavailable(e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
        }
    }

    /** The reason when the ICD loader finds no driver. */
    static final String NO_PLATFORM = "no OpenCL platform: the ICD loader finds no driver "
            + "(install one, e.g. pocl-opencl-icd for the CPU, or the GPU vendor's OpenCL driver)";

    /** The reason when every platform is empty. */
    static String noDevice(List<String> emptyPlatforms) {
        return "no OpenCL device: platform" + (emptyPlatforms.size() == 1 ? " " : "s ") + String.join(", ", emptyPlatforms)
                + (emptyPlatforms.size() == 1 ? " reports" : " report") + " no device";
    }

    /**
     * The reason when JOCL cannot link: its own library missing for this OS/architecture, or (the usual case) the
     * system has no {@code libOpenCL.so}. On Debian/Ubuntu the loader package ships only {@code libOpenCL.so.1}, and
     * JOCL asks for {@code libOpenCL.so}, which {@code ocl-icd-opencl-dev} provides.
     *
     * @param e                 the link error
     * @param sonameOnlyPresent whether {@code libOpenCL.so.1} exists in a system library directory
     */
    static String explainLinkError(UnsatisfiedLinkError e, boolean sonameOnlyPresent) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.contains("OpenCL") && !message.contains("JOCL_")) {
            return sonameOnlyPresent
                    ? "no libOpenCL.so: the ICD loader is installed as libOpenCL.so.1 only, and JOCL loads libOpenCL.so "
                            + "(install ocl-icd-opencl-dev, or link libOpenCL.so to libOpenCL.so.1)"
                    : "no OpenCL ICD loader: libOpenCL.so cannot be loaded (install ocl-icd-libopencl1 and "
                            + "ocl-icd-opencl-dev, and a driver such as pocl-opencl-icd)";
        }
        return "the JOCL native library cannot be loaded on " + System.getProperty("os.name") + "/"
                + System.getProperty("os.arch") + ": " + firstLine(message);
    }

    private static boolean loaderInstalledUnderItsSoname() {
        for (String dir : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
                "/lib/x86_64-linux-gnu", "/lib64"}) {
            if (Files.exists(Path.of(dir, "libOpenCL.so.1"))) {
                return true;
            }
        }
        return false;
    }

    private static String describe(int ordinal, String platformName, cl_device_id device) {
        long[] type = {0};
        CL.clGetDeviceInfo(device, CL.CL_DEVICE_TYPE, Sizeof.cl_ulong, Pointer.to(type), null);
        String kind = (type[0] & CL.CL_DEVICE_TYPE_GPU) != 0 ? "GPU" : (type[0] & CL.CL_DEVICE_TYPE_CPU) != 0 ? "CPU"
                : (type[0] & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator" : "device";
        int[] units = {0};
        CL.clGetDeviceInfo(device, CL.CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint, Pointer.to(units), null);
        long[] memory = {0};
        CL.clGetDeviceInfo(device, CL.CL_DEVICE_GLOBAL_MEM_SIZE, Sizeof.cl_ulong, Pointer.to(memory), null);
        return String.format(Locale.ROOT, "opencl:%d %s (%s, %s, %s, %d compute units, %.1f GiB)", ordinal,
                deviceString(device, CL.CL_DEVICE_NAME).strip(), platformName.strip(), kind,
                shortVersion(deviceString(device, CL.CL_DEVICE_VERSION)), units[0], memory[0] / (double) (1L << 30));
    }

    /** "OpenCL 3.0 PoCL HSTR: …" → "OpenCL 3.0": the version the spec puts first, without the vendor's details. */
    static String shortVersion(String version) {
        String[] words = version.strip().split("\\s+");
        return words.length >= 2 ? words[0] + " " + words[1] : version.strip();
    }

    static String platformString(cl_platform_id platform, int param) {
        long[] size = {0};
        CL.clGetPlatformInfo(platform, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        CL.clGetPlatformInfo(platform, param, buffer.length, Pointer.to(buffer), null);
        return cString(buffer);
    }

    static String deviceString(cl_device_id device, int param) {
        long[] size = {0};
        CL.clGetDeviceInfo(device, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        CL.clGetDeviceInfo(device, param, buffer.length, Pointer.to(buffer), null);
        return cString(buffer);
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Result unavailable(String reason) {
        return new Result(false, reason, List.of(), List.of());
    }

    /**
     * Prints the probe's line ({@code available, …} or {@code unavailable: reason}); the tests run it in a child
     * JVM with a broken OpenCL environment (no driver) to check the reason.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        Result r = result();
        System.out.println(r.available() ? "available, " + String.join("; ", r.devices()) : "unavailable: " + r.reason());
    }
}
