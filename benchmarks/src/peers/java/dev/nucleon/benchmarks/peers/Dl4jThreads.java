package dev.nucleon.benchmarks.peers;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets ND4J's CPU thread counts to a benchmark's {@code threads}: {@code Nd4j.getEnvironment().setMaxThreads} (the
 * OpenMP pool of libnd4j's ops, the same as {@code OMP_NUM_THREADS}), {@code setMaxMasterThreads}, and the BLAS
 * library's ({@code Nd4j.factory().blas().setMaxThreads}, OpenBLAS). {@code benchmarks/run-peers.sh} also exports
 * {@code OMP_NUM_THREADS} to the same value before the JVM starts, which OpenMP reads at start-up. The setting is
 * read back and checked.
 */
public final class Dl4jThreads {

    private Dl4jThreads() {
    }

    public static void apply(int threads) {
        Nd4j.setDefaultDataTypes(org.nd4j.linalg.api.buffer.DataType.FLOAT, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        if (Nd4j.getEnvironment().maxThreads() != threads) {
            throw new IllegalStateException("ND4J runs " + Nd4j.getEnvironment().maxThreads() + " threads, asked for "
                    + threads);
        }
    }

    /** What ND4J reports, for logs. */
    public static String describe() {
        return "ND4J max threads " + Nd4j.getEnvironment().maxThreads() + ", master threads "
                + Nd4j.getEnvironment().maxMasterThreads() + ", BLAS threads " + Nd4j.factory().blas().getMaxThreads()
                + ", OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS");
    }
}
