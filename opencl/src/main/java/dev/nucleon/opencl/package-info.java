/**
 * The OpenCL backend: our own kernels ({@code .cl} files beside these classes, compiled by the driver when a device
 * is first opened) driven through JOCL. It runs on NVIDIA, AMD, Intel and Apple GPUs and, through PoCL, on the CPU,
 * which is how CI exercises a device backend (kernels, transfers, buffer pool, queue) on every commit.
 *
 * <p>Reading order: {@link dev.nucleon.opencl.OpenClProvider} (probing once, never throwing for a missing driver)
 * → {@link dev.nucleon.opencl.OpenClBackend} (the {@link dev.nucleon.core.backend.Backend} primitives and the few
 * composed ops it overrides) → the op families ({@code LayoutOps}, {@code ElementwiseOps}, {@code ReductionOps},
 * {@code GemmOps}, {@code ConvOps}, {@code PoolingOps}, {@code NormalizationOps}) → their {@code .cl} files, each
 * opening with its algorithm. Underneath:
 * {@code OpenClContext} (one per device: context, one in-order queue, kernels, buffers), {@code KernelLibrary}
 * (programs built once per context), {@code BufferPool} (the caching allocator) and {@code Walk} (stride tables).
 */
package dev.nucleon.opencl;
