/**
 * The CUDA backend: our own kernels ({@code src/main/cuda/*.cu}, compiled ahead of time by nvcc into
 * fatbins that ship in this jar) driven through the JCuda driver API ({@code cuModuleLoadData},
 * {@code cuLaunchKernel}). No NVRTC, cuBLAS or cuDNN is needed.
 *
 * <p>Reading order: {@link dev.nucleon.cuda.CudaProvider} (probing once, never throwing for a missing
 * GPU) → {@link dev.nucleon.cuda.CudaBackend} (the {@link dev.nucleon.core.backend.Backend} methods, each a few
 * lines that pick a kernel and a launch shape) → the op families ({@code ElementwiseOps}, …) → the
 * {@code .cu} files, each opening with its algorithm and the limit it chases. Underneath:
 * {@link dev.nucleon.cuda.CudaContext} (one per device: primary context, one stream, kernels, memory),
 * {@link dev.nucleon.cuda.DeviceMemoryPool} (the caching allocator), {@link dev.nucleon.cuda.HostStaging}
 * (pinned buffers for asynchronous copies) and {@link dev.nucleon.cuda.Kernel} (a kernel with its
 * parameter types, checked against the compiled PTX by {@code KernelBinariesTest}).
 *
 * <p>Ordering: every op is enqueued on the device's one stream, so ops run in program order without
 * host synchronisation; the host waits only at boundaries ({@code download}, {@code synchronize}).
 */
package dev.nucleon.cuda;
