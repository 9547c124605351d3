package dev.nucleon.cuda;

import dev.nucleon.core.Device;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * Everything one GPU needs: its primary context (shared with any other library in the process, as the
 * runtime API does), one non-blocking stream on which every op is enqueued in program order, the loaded
 * kernels, the memory pool and the pinned staging buffers.
 *
 * <p>The driver keeps the current context per host thread; {@link #bind()} makes this one current and is
 * called before every driver call, so ops may come from any Java thread.
 *
 * <p>With {@code -Dnucleon.cuda.sync=true} the host waits after every launch and names the kernel in
 * the error, which turns an asynchronous fault ("an illegal memory access…" at some later copy) into one
 * that points at its kernel.
 */
final class CudaContext {

    private static final boolean SYNC_EVERY_LAUNCH = Boolean.getBoolean("nucleon.cuda.sync");

    private final Device device;
    private final CUdevice cuDevice = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final String name;
    private final int computeCapability;
    private final KernelLibrary kernels;
    private final DeviceMemoryPool memory;
    private final HostStaging staging;

    /**
     * @param device  the device as the user names it ({@code cuda:N})
     * @param ordinal the driver's ordinal of that device ({@link CudaProbe.Result#ordinal}): N counts only the
     *                usable GPUs, the driver counts them all
     */
    CudaContext(Device device, int ordinal) {
        this.device = device;
        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        JCudaDriver.cuDeviceGet(cuDevice, ordinal);
        JCudaDriver.cuDevicePrimaryCtxRetain(context, cuDevice);
        bind();
        JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
        this.name = CudaProbe.name(cuDevice);
        this.computeCapability = CudaProbe.computeCapability(cuDevice);
        this.kernels = new KernelLibrary(this);
        this.memory = new DeviceMemoryPool(this);
        this.staging = new HostStaging(this);
    }

    Device device() {
        return device;
    }

    String name() {
        return name;
    }

    int computeCapability() {
        return computeCapability;
    }

    CUstream stream() {
        return stream;
    }

    KernelLibrary kernels() {
        return kernels;
    }

    DeviceMemoryPool memory() {
        return memory;
    }

    HostStaging staging() {
        return staging;
    }

    /** Makes this device's context current on the calling thread. */
    void bind() {
        JCudaDriver.cuCtxSetCurrent(context);
    }

    /** Waits for every op enqueued so far. */
    void synchronize() {
        bind();
        JCudaDriver.cuStreamSynchronize(stream);
    }

    void afterLaunch(Kernel kernel) {
        if (SYNC_EVERY_LAUNCH) {
            try {
                JCudaDriver.cuStreamSynchronize(stream);
            } catch (CudaException e) {
                throw new IllegalStateException("cuda: kernel " + kernel + " failed on " + device + ": " + e.getMessage(), e);
            }
        }
    }
}
