package dev.nucleon.core.backend;

/** Reductions over some axes of a tensor. */
public enum ReduceOp {
    /** The sum of the reduced elements (0 over none). */
    SUM,
    /** The largest of the reduced elements. */
    MAX
}
