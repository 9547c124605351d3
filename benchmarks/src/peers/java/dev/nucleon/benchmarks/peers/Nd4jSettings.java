package dev.nucleon.benchmarks.peers;

import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's CPU settings for a benchmark's {@code threads}:
 * <ul>
 *   <li>threads: {@code Nd4j.getEnvironment().setMaxThreads} (libnd4j's OpenMP pool, what {@code OMP_NUM_THREADS}
 *       sets), {@code setMaxMasterThreads}, and the BLAS library's ({@code Nd4j.factory().blas().setMaxThreads},
 *       OpenBLAS). {@code benchmarks/run-peers.sh} also exports {@code OMP_NUM_THREADS} before the JVMs start. The
 *       setting is read back and checked;</li>
 *   <li>float32 as the default data type.</li>
 * </ul>
 * The binary is nd4j-native's plain {@code linux-x86_64} build with OpenBLAS, DL4J's defaults (its oneDNN layer
 * helpers are off unless {@code -Dorg.eclipse.deeplearning4j.helpers.disable=false}). On the 2-core benchmark
 * machine the {@code -avx512} and {@code -onednn-avx2} builds gave the same U-Net time: the time goes into DL4J's
 * ConvolutionLayer path, not into libnd4j's conv kernel (see benchmarks/README.md).
 */
public final class Nd4jSettings {

    private Nd4jSettings() {
    }

    public static void apply(int threads) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        if (Nd4j.getEnvironment().maxThreads() != threads) {
            throw new IllegalStateException("ND4J runs " + Nd4j.getEnvironment().maxThreads() + " threads, asked for "
                    + threads);
        }
    }

    /** What ND4J runs with, for the benchmark log. */
    public static String describe() {
        return "ND4J " + Loader.getPlatform() + ", max threads "
                + Nd4j.getEnvironment().maxThreads() + ", master threads " + Nd4j.getEnvironment().maxMasterThreads()
                + ", BLAS threads " + Nd4j.factory().blas().getMaxThreads() + ", OMP_NUM_THREADS="
                + System.getenv("OMP_NUM_THREADS");
    }
}
