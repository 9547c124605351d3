package dev.nucleon.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH secondary result {@code gflop}: benchmarks add the GFLOP of each call, JMH divides by the measured
 * time, so with {@code Mode.Throughput} and seconds as the output unit the {@code :gflop} line of the
 * report reads directly in GFLOP/s. The primary score stays calls per second.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class GigaflopCounter {

    /** GFLOP done in this iteration (a public field is how JMH finds the counter). */
    public double gflop;

    @Setup(Level.Iteration)
    public void reset() {
        gflop = 0;
    }
}
