/**
 * The default bodies of {@link dev.nucleon.core.backend.Backend}'s composed ops: every op that is not one of the eight
 * primitives (allocate, upload, download, copyStrided, unary, binary, reduce, matmul), written with those
 * primitives only, one class per op family, each method with the formula it composes.
 *
 * <p>These are what a new backend runs until it writes a faster kernel, and what the reference backend
 * ({@link dev.nucleon.core.reference.ReferenceBackend}) runs always, so the conformance suite checks them.
 * They favour being obviously right over speed: temporaries are allocated freely (and released), convolution
 * builds the whole im2col matrix, and a few ops read small data back to the host (each says which).
 */
package dev.nucleon.core.composed;
