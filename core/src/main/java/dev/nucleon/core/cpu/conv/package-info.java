/**
 * The CPU backend's convolutions: {@link dev.nucleon.core.cpu.conv.ConvKernels} chooses, per geometry, between
 * im2col + GEMM ({@link dev.nucleon.core.cpu.conv.Im2col}, {@link dev.nucleon.core.cpu.conv.Im2colPanels}) and the
 * direct stride-1 path ({@link dev.nucleon.core.cpu.conv.DirectConv} with its micro-kernels), and computes the
 * transposed convolution as sub-pixel convolutions ({@link dev.nucleon.core.cpu.conv.SubPixelTranspose}). The plain
 * loops these are checked against are {@code dev.nucleon.core.reference.ReferenceConv}. Internal to the CPU backend.
 */
package dev.nucleon.core.cpu.conv;
