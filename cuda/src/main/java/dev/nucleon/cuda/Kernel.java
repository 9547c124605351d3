package dev.nucleon.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.JCudaDriver;

import java.util.Arrays;
import java.util.List;

/**
 * One kernel of a family, with the types of its parameters as the PTX declares them. The Java side
 * declares every kernel it launches as a {@code Kernel} constant; {@code KernelBinariesTest} checks each
 * against the shipped {@code .sig} files (name and parameter types), and {@link #launch} checks each
 * argument against the declaration, so a signature drift fails a test instead of corrupting memory.
 *
 * <p>Arguments, by declared type: {@link Param#PTR} a {@link CudaStorage} (its device address) or a
 * {@link CUdeviceptr}; {@link Param#I32} an {@code Integer}; {@link Param#I64} a {@code Long} (or an
 * {@code Integer}, widened); {@link Param#F32} a {@code Float}; {@link Param#struct(int)} an {@code int[]}
 * of exactly that many ints, passed by value (shape tables, see {@code Shape} in common.cuh).
 */
public final class Kernel {

    /** A parameter type as the PTX spells it ({@code u64}, {@code u32}, {@code f32}, {@code b8[N]}). */
    public record Param(String ptx, int ints) {
        public static final Param PTR = new Param("u64", 0);
        public static final Param I64 = new Param("u64", -1);
        public static final Param I32 = new Param("u32", 0);
        public static final Param F32 = new Param("f32", 0);

        /** A by-value struct of {@code ints} 32-bit ints. */
        public static Param struct(int ints) {
            return new Param("b8[" + 4 * ints + "]", ints);
        }

        boolean isPointer() {
            return this == PTR;
        }
    }

    private final String family;
    private final String name;
    private final List<Param> params;

    private Kernel(String family, String name, Param... params) {
        this.family = family;
        this.name = name;
        this.params = List.of(params);
    }

    /** Declares kernel {@code name} of {@code src/main/cuda/<family>.cu}. */
    public static Kernel of(String family, String name, Param... params) {
        return new Kernel(family, name, params);
    }

    public String family() {
        return family;
    }

    public String name() {
        return name;
    }

    public List<Param> params() {
        return params;
    }

    /** The line this kernel has in its family's {@code .sig} file. */
    public String signature() {
        StringBuilder b = new StringBuilder(name);
        for (Param p : params) {
            b.append(' ').append(p.ptx());
        }
        return b.toString();
    }

    /** A kernel argument for an optional buffer: the storage, or a null device pointer when it is absent. */
    static Object orNull(CudaStorage s) {
        return s != null ? s : new CUdeviceptr();
    }

    /** Enqueues this kernel on the context's stream; returns at once (errors of the run surface at the next sync). */
    public void launch(CudaContext context, Grid grid, Object... args) {
        Pointer parameters = marshal(args);
        CUfunction function = context.kernels().function(this);
        context.bind();
        JCudaDriver.cuLaunchKernel(function,
                grid.gridX(), grid.gridY(), grid.gridZ(),
                grid.blockX(), grid.blockY(), grid.blockZ(),
                grid.sharedBytes(), context.stream(), parameters, null);
        context.afterLaunch(this);
    }

    /** The kernelParams array of {@code cuLaunchKernel}: one pointer to each argument's value. */
    Pointer marshal(Object... args) {
        if (args.length != params.size()) {
            throw new IllegalArgumentException(this + ": " + params.size() + " arguments expected, got " + args.length);
        }
        Pointer[] pointers = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            pointers[i] = argument(i, params.get(i), args[i]);
        }
        return Pointer.to(pointers);
    }

    private Pointer argument(int index, Param param, Object arg) {
        if (param.isPointer()) {
            if (arg instanceof CudaStorage s) {
                return Pointer.to(s.pointer());
            }
            if (arg instanceof CUdeviceptr p) {
                return Pointer.to(p);
            }
        } else if (param == Param.I64) {
            if (arg instanceof Long v) {
                return Pointer.to(new long[] {v});
            }
            if (arg instanceof Integer v) {
                return Pointer.to(new long[] {v});
            }
        } else if (param == Param.I32) {
            if (arg instanceof Integer v) {
                return Pointer.to(new int[] {v});
            }
        } else if (param == Param.F32) {
            if (arg instanceof Float v) {
                return Pointer.to(new float[] {v});
            }
        } else if (arg instanceof int[] values && values.length == param.ints()) {
            return Pointer.to(values.clone());
        }
        throw new IllegalArgumentException(this + ": argument " + index + " must be " + describe(param) + ", got "
                + (arg == null ? "null" : arg instanceof int[] a ? "int[" + a.length + "]" : arg.getClass().getSimpleName()));
    }

    private static String describe(Param p) {
        if (p.isPointer()) {
            return "a device pointer (CudaStorage)";
        }
        if (p == Param.I64) {
            return "a long";
        }
        if (p == Param.I32) {
            return "an int";
        }
        if (p == Param.F32) {
            return "a float";
        }
        return "an int[" + p.ints() + "]";
    }

    @Override
    public String toString() {
        return family + ".cu:" + name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Kernel k && k.family.equals(family) && k.name.equals(name) && k.params.equals(params);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {family, name, params});
    }
}
