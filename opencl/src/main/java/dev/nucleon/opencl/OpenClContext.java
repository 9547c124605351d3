package dev.nucleon.opencl;

import dev.nucleon.core.Device;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_queue_properties;

/**
 * Everything one OpenCL device needs: a context of its own, one in-order command queue on which every op is
 * enqueued in program order, the built kernels ({@link KernelLibrary}) and the buffer pool. Ops may come from any
 * Java thread: {@link #launch} sets a kernel's arguments and enqueues it under one lock, since a kernel object's
 * arguments are shared state.
 *
 * <p>With {@code -Dnucleon.opencl.sync=true} the host waits after every launch and names the kernel in the error.
 */
final class OpenClContext {

    private static final boolean SYNC_EVERY_LAUNCH = Boolean.getBoolean("nucleon.opencl.sync");

    /** The global size of a one-dimensional launch is rounded up to a multiple of this. */
    static final int LINEAR_GRANULE = 64;

    private final Device device;
    private final String name;
    private final cl_context context;
    private final cl_command_queue queue;
    private final KernelLibrary kernels;
    private final BufferPool pool;
    private final int gemmTile;
    private final int computeUnits;

    OpenClContext(Device device, OpenClProbe.Found found) {
        this.device = device;
        this.name = OpenClProbe.deviceString(found.device(), CL.CL_DEVICE_NAME).strip();
        cl_context_properties properties = new cl_context_properties();
        properties.addProperty(CL.CL_CONTEXT_PLATFORM, found.platform());
        this.context = CL.clCreateContext(properties, 1, new cl_device_id[] {found.device()}, null, null, null);
        this.queue = createQueue(context, found.device());
        long maxWorkGroup = deviceLong(found.device(), CL.CL_DEVICE_MAX_WORK_GROUP_SIZE, Sizeof.size_t);
        this.gemmTile = maxWorkGroup >= 256 ? 16 : 8;
        int[] units = {0};
        CL.clGetDeviceInfo(found.device(), CL.CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint, Pointer.to(units), null);
        this.computeUnits = Math.max(1, units[0]);
        long[] fpConfig = {0};
        CL.clGetDeviceInfo(found.device(), CL.CL_DEVICE_SINGLE_FP_CONFIG, Sizeof.cl_ulong, Pointer.to(fpConfig), null);
        String options = "-DTILE=" + gemmTile
                + ((fpConfig[0] & CL.CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0 ? " -cl-fp32-correctly-rounded-divide-sqrt" : "");
        this.kernels = new KernelLibrary(context, found.device(), options);
        this.pool = new BufferPool(context, device.toString(),
                deviceLong(found.device(), CL.CL_DEVICE_GLOBAL_MEM_SIZE, Sizeof.cl_ulong),
                deviceLong(found.device(), CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE, Sizeof.cl_ulong));
    }

    @SuppressWarnings("deprecation")
    private static cl_command_queue createQueue(cl_context context, cl_device_id device) {
        try {
            return CL.clCreateCommandQueueWithProperties(context, device, new cl_queue_properties(), null);
        } catch (UnsupportedOperationException | CLException e) { // an OpenCL 1.x driver
            return CL.clCreateCommandQueue(context, device, 0, null);
        }
    }

    private static long deviceLong(cl_device_id device, int param, int size) {
        long[] value = {0};
        CL.clGetDeviceInfo(device, param, size, Pointer.to(value), null);
        return value[0];
    }

    Device device() {
        return device;
    }

    String name() {
        return name;
    }

    cl_context context() {
        return context;
    }

    cl_command_queue queue() {
        return queue;
    }

    KernelLibrary kernels() {
        return kernels;
    }

    BufferPool pool() {
        return pool;
    }

    int gemmTile() {
        return gemmTile;
    }

    /** {@return the device's compute units (CL_DEVICE_MAX_COMPUTE_UNITS: SMs or CUs of a GPU, cores under PoCL), ≥ 1} */
    int computeUnits() {
        return computeUnits;
    }

    /** Waits for every command enqueued so far. */
    void finish() {
        CL.clFinish(queue);
    }

    /** {@code n} rounded up to a multiple of {@link #LINEAR_GRANULE}: the global size of a one-dimensional launch. */
    static long linear(long n) {
        return (n + LINEAR_GRANULE - 1) / LINEAR_GRANULE * LINEAR_GRANULE;
    }

    /**
     * Sets the kernel's arguments and enqueues it. Arguments: an {@link OpenClStorage} (its buffer), an Integer
     * ({@code int}), a Long ({@code long}), a Float ({@code float}) or a {@code long[]} (a struct passed by value,
     * e.g. {@link Walk#table}).
     *
     * @param family the program ({@code .cl} file)
     * @param name   the kernel
     * @param global the global size per dimension
     * @param local  the work-group size per dimension, or null for the driver's choice
     * @param args   the arguments, in order
     */
    void launch(String family, String name, long[] global, long[] local, Object... args) {
        cl_kernel kernel = kernels.kernel(family, name);
        synchronized (this) {
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (a instanceof OpenClStorage s) {
                    cl_mem mem = s.buffer();
                    CL.clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(mem));
                } else if (a instanceof Integer v) {
                    CL.clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
                } else if (a instanceof Long v) {
                    CL.clSetKernelArg(kernel, i, Sizeof.cl_long, Pointer.to(new long[] {v}));
                } else if (a instanceof Float v) {
                    CL.clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
                } else if (a instanceof long[] struct) {
                    CL.clSetKernelArg(kernel, i, (long) Sizeof.cl_long * struct.length, Pointer.to(struct));
                } else {
                    throw new IllegalArgumentException("opencl: kernel " + name + ": argument " + i + " of type "
                            + (a == null ? "null" : a.getClass().getName()));
                }
            }
            try {
                CL.clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null);
                if (SYNC_EVERY_LAUNCH) {
                    CL.clFinish(queue);
                }
            } catch (CLException e) {
                throw new IllegalStateException("opencl: kernel " + family + "/" + name + " failed on " + device + ": "
                        + CL.stringFor_errorCode(e.getStatus()), e);
            }
        }
    }
}
