package dev.nucleon.core;

/** Reductions over some axes of a tensor. */
public enum ReduceOp {
    SUM, MAX
}
