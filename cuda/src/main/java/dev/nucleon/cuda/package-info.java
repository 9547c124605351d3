/**
 * The CUDA backend: our own kernels driven through the JCuda driver API.
 * Not written yet: this module is a placeholder until the [cuda] issue lands, and registers no backend.
 */
package dev.nucleon.cuda;
