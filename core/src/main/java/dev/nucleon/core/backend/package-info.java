/**
 * The backend contract: what a compute backend implements so that every {@link dev.nucleon.core.Tensor} op runs
 * on it, and the vocabulary the contract speaks.
 *
 * <ul>
 *   <li>{@link dev.nucleon.core.backend.Backend} — the primitives a backend must implement (storage, copies,
 *       elementwise, reduce, matmul, …) and every other kernel with a default composed from them
 *       ({@code dev.nucleon.core.composed}); a backend overrides what it makes faster</li>
 *   <li>{@link dev.nucleon.core.backend.Storage} — where a backend keeps a tensor's numbers</li>
 *   <li>{@link dev.nucleon.core.backend.Backends}, {@link dev.nucleon.core.backend.BackendProvider},
 *       {@link dev.nucleon.core.backend.BackendStatus} — finding backends ({@code ServiceLoader}) and saying
 *       why one is unavailable</li>
 *   <li>the op vocabulary: {@link dev.nucleon.core.backend.UnaryOp} (the table of unary ops: name, ONNX node,
 *       fusable, double-precision f and f′), {@link dev.nucleon.core.backend.BinaryOp},
 *       {@link dev.nucleon.core.backend.ReduceOp}, {@link dev.nucleon.core.backend.Epilogue},
 *       {@link dev.nucleon.core.backend.UpsampleMode}, {@link dev.nucleon.core.backend.RandomDistribution};
 *       the geometries {@link dev.nucleon.core.backend.ConvGeometry}, {@link dev.nucleon.core.backend.PoolGeometry};
 *       the optimiser steps {@link dev.nucleon.core.backend.AdamStep}, {@link dev.nucleon.core.backend.SgdStep}</li>
 * </ul>
 *
 * <p>Implementations: {@code dev.nucleon.core.reference} (plain loops, the specification),
 * {@code dev.nucleon.core.cpu} (fast, pure Java), {@code dev.nucleon.cuda} (JCuda kernels).
 */
package dev.nucleon.core.backend;
