package dev.nucleon.cuda;

import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.BinaryOp;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The comparison harness of the CUDA-vs-CPU tests, checked without a GPU (issue 19, CUDA item 8): outputs start
 * as NaN on both sides, so an element a kernel leaves unwritten fails even where the CPU's value is 0.
 */
class CudaVsCpuHarnessTest {

    @Test
    void outputsStartAsNaNSoAnUnwrittenElementShows() {
        // a call that writes nothing: every output element is still the NaN it started as
        float[][] out = CudaVsCpu.run(Backends.cpu(), new float[][] {{1, 2, 3}}, new long[] {4, 2}, (b, in, o) -> { });
        for (float[] o : out) {
            for (float v : o) {
                assertTrue(Float.isNaN(v));
            }
        }
        // a call that writes its output: no NaN is left
        float[][] sum = CudaVsCpu.run(Backends.cpu(), new float[][] {{1, 2, 3}, {0, 0, 0}}, new long[] {3},
                (b, in, o) -> b.binary(BinaryOp.ADD, in[0], new int[] {3}, in[1], new int[] {3}, o[0], new int[] {3}));
        assertTrue(java.util.Arrays.equals(new float[] {1, 2, 3}, sum[0]));
    }

    @Test
    void anElementUnwrittenOnOneSideFailsEvenWhereTheCpuWroteZero() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> CudaVsCpu.compare("relu", new float[] {0, 0, 2}, new float[] {0, Float.NaN, 2}, false));
        assertTrue(e.getMessage().contains("element 1: cpu 0.0, cuda NaN (left unwritten by cuda?)"), e.getMessage());
    }

    @Test
    void anElementUnwrittenOnBothSidesFailsUnlessAnInputHeldANaN() {
        float[] both = {1, Float.NaN};
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> CudaVsCpu.compare("op", both, both.clone(), false));
        assertTrue(e.getMessage().contains("element 1 is NaN on both backends from NaN-free inputs"), e.getMessage());
        assertDoesNotThrow(() -> CudaVsCpu.compare("max with a NaN input", both, both.clone(), true));
    }

    @Test
    void valuesWithinTheToleranceAgreeAndBeyondItFail() {
        assertDoesNotThrow(() -> CudaVsCpu.compare("close", new float[] {1000f}, new float[] {1000.009f}, false));
        assertThrows(AssertionFailedError.class, () -> CudaVsCpu.compare("far", new float[] {1000f}, new float[] {1000.02f}, false));
    }
}
