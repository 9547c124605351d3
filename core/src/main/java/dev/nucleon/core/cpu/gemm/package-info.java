/**
 * The CPU backend's matrix multiply, C = α·op(A)·op(B) + β·C in float32: {@link dev.nucleon.core.cpu.gemm.Sgemm}
 * packs panels of A and B ({@link dev.nucleon.core.cpu.gemm.PanelSource}: a matrix in memory, or the im2col
 * columns of a convolution read on the fly) into the per-thread workspace and runs a register-tile micro-kernel
 * ({@link dev.nucleon.core.cpu.gemm.SgemmKernel}: scalar, or Vector API when available) over each tile; the
 * inner-product kernels serve the thin shapes of weight gradients. Internal to the CPU backend.
 */
package dev.nucleon.core.cpu.gemm;
