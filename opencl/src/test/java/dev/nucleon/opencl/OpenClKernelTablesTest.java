package dev.nucleon.opencl;

import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.ReduceOp;
import dev.nucleon.core.backend.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Host-side checks that need no device: the kernels switch on the ordinals of core's op enums, so each {@code .cl}
 * enum must list them in the Java order; every kernel the Java side launches exists in its file; and {@link Walk}
 * merges axes correctly.
 */
class OpenClKernelTablesTest {

    private static List<String> clEnum(String family, String name) {
        Matcher m = Pattern.compile("enum " + name + "\\s*\\{([^}]*)}").matcher(KernelLibrary.source(family));
        assertTrue(m.find(), "enum " + name + " in " + family + ".cl");
        return Arrays.stream(m.group(1).split(",")).map(String::strip).toList();
    }

    private static List<String> javaEnum(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    @Test
    void theKernelEnumsFollowCoresOrder() {
        assertEquals(javaEnum(UnaryOp.values()), clEnum("elementwise", "Unary"));
        assertEquals(javaEnum(BinaryOp.values()), clEnum("elementwise", "Binary"));
        assertEquals(javaEnum(ReduceOp.values()), clEnum("reduce", "Reduce"));
    }

    @Test
    void everyLaunchedKernelIsDefinedInItsFile() {
        String[][] kernels = {{"layout", "copy_strided"}, {"elementwise", "unary_forward"}, {"elementwise", "unary_backward"},
                {"elementwise", "binary_same_shape"}, {"elementwise", "binary_broadcast"}, {"elementwise", "adam_update"},
                {"elementwise", "sgd_update"}, {"reduce", "reduce_outputs"}, {"gemm", "gemm"}, {"conv", "conv2d_forward"}, {"pool", "pool2d_forward"},
                {"normalization", "batch_norm_forward"}, {"conv", "conv2d_backward_data"},
                {"conv", "conv2d_backward_weight"}, {"pool", "max_pool2d_backward"}, {"pool", "max_pool2d_backward_windows"},
                {"normalization", "batch_norm_backward_sums"}, {"normalization", "batch_norm_backward_data"},
                {"normalization", "batch_norm_statistics"}, {"detection", "roi_align_forward"},
                {"detection", "roi_align_backward"}, {"detection", "nms_mask"}};
        for (String[] k : kernels) {
            assertTrue(KernelLibrary.PROGRAMS.contains(k[0]), k[0]);
            assertTrue(KernelLibrary.source(k[0]).contains("__kernel void " + k[1] + "("), k[0] + ".cl: " + k[1]);
        }
        // the batch-norm sums launch work-groups of the size the kernel's local arrays are declared with
        assertTrue(KernelLibrary.source("normalization").contains("#define SUM_GROUP " + NormalizationOps.SUM_GROUP + "\n"),
                "normalization.cl's SUM_GROUP is NormalizationOps.SUM_GROUP = " + NormalizationOps.SUM_GROUP);
        // the blocked products' launch sizes (GemmOps, ConvOps) assume gemm.cl's outputs per work-item
        String gemm = KernelLibrary.source("gemm");
        assertTrue(gemm.contains("#define WPT_M " + GemmOps.WPT_M + "\n") && gemm.contains("#define WPT_N " + GemmOps.WPT_N + "\n"),
                "gemm.cl's WPT_M and WPT_N are GemmOps' " + GemmOps.WPT_M + " and " + GemmOps.WPT_N);
        assertEquals("-DWPT_M=1", KernelLibrary.VARIANTS.get("conv_narrow").options(), "ConvOps assumes one row per work-item");
    }

    @Test
    void walksMergeContiguousAxesAndDropOnes() {
        // a contiguous (2, 3, 4) copy into a contiguous target: one axis of 24
        Walk flat = Walk.of(new int[] {2, 3, 4}, Walk.contiguous(new int[] {2, 3, 4}), Walk.contiguous(new int[] {2, 3, 4}));
        assertArrayEquals(new long[] {24}, flat.sizes());
        // b of shape (1, 3, 1) broadcast over (2, 3, 4): axes stay apart where b's stride breaks the pattern
        int[] out = {2, 3, 4};
        Walk broadcast = Walk.of(out, Walk.broadcast(out, out), Walk.broadcast(new int[] {1, 3, 1}, out));
        assertArrayEquals(new long[] {2, 3, 4}, broadcast.sizes());
        assertArrayEquals(new long[] {12, 4, 1}, broadcast.stride0());
        assertArrayEquals(new long[] {0, 1, 0}, broadcast.stride1());
        // size-1 axes vanish; rank 0 walks one element
        Walk scalar = Walk.of(new int[] {1, 1}, new long[] {1, 1}, new long[] {1, 1});
        assertEquals(0, scalar.sizes().length);
        assertEquals(1, scalar.count());
        long[] table = broadcast.table("test");
        assertEquals(Walk.TABLE_LONGS, table.length);
        assertEquals(3, table[0]);
        assertEquals(4, table[3]);
        assertEquals(1, table[1 + 2 * Walk.MAX_RANK + 1]);
    }

    @Test
    void buildLogsAreCutToTheirFirstError() {
        org.jocl.CLException e = new org.jocl.CLException("CL_BUILD_PROGRAM_FAILURE", -11);
        assertEquals("<source>:3:12: error: use of undeclared identifier 'q'",
                KernelLibrary.firstError("warning: something\n<source>:3:12: error: use of undeclared identifier 'q'\n  y = q;\n", e));
        assertEquals("just a line", KernelLibrary.firstError("\njust a line\n", e));
        assertEquals("OpenCL 3.0", OpenClProbe.shortVersion("OpenCL 3.0 PoCL HSTR: pthread-x86_64"));
    }
}
