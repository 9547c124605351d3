package dev.nucleon.cuda;

import dev.nucleon.core.backend.Backend;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which ops of the {@link Backend} contract the CUDA backend runs as their composed default (the memory hints
 * {@code allocateUninitialized} and {@code release} are its own: no zero-fill, blocks back to the pool at once) (no GPU needed:
 * reflection only). Every op it had a kernel for before the contract was slimmed is still declared here, so
 * the fast paths are the ones used; the list below is exactly the ops without a CUDA kernel, visible rather than
 * hidden by a default.
 */
class CudaKernelCoverageTest {

    @Test
    void onlyTheFusedEntriesFallBackToDefaults() throws NoSuchMethodException {
        Set<String> inherited = new TreeSet<>();
        for (Method m : Backend.class.getMethods()) {
            Method impl = CudaBackend.class.getMethod(m.getName(), m.getParameterTypes());
            if (impl.getDeclaringClass() != CudaBackend.class) {
                inherited.add(m.getName() + "/" + m.getParameterCount());
            }
        }
        assertEquals(Set.of(
                "conv2d/6",                  // conv2d, then the epilogue as a unary op
                "conv2d/7",                  // joins the channel parts, then conv2d
                "convTranspose2d/6",         // conv2dBackwardData, bias and epilogue as elementwise ops
                "gather/7",                  // one copyStrided per index
                "scatterAdd/7"),
                inherited);
    }
}
