package dev.nucleon.core.onnx;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Checks the oracle itself (model writer + ONNX Runtime harness) against values worked out by hand,
 * before it is trusted to judge Nucleon's kernels.
 */
class OnnxOracleSelfTest {

    private static final float EXACT = 0f;
    private static final float CLOSE = 1e-6f;

    @Test
    void reluClampsNegativesToZero() {
        OnnxModel m = OnnxModel.node("Relu").input("X", 5).output("Y");
        OnnxOracle.Result y = OnnxOracle.run(m, OnnxOracle.feed("X", new float[] {-2f, -0.5f, 0f, 0.5f, 3f}, 5));
        assertArrayEquals(new int[] {5}, y.shape());
        assertArrayEquals(new float[] {0f, 0f, 0f, 0.5f, 3f}, y.data(), EXACT);
    }

    @Test
    void addBroadcastsTrailingDimensions() {
        // (2,3) + (3): row vector added to each row
        OnnxModel m = OnnxModel.node("Add").input("A", 2, 3).input("B", 3).output("C");
        OnnxOracle.Result c = OnnxOracle.run(m,
                OnnxOracle.feed("A", new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                OnnxOracle.feed("B", new float[] {10, 20, 30}, 3));
        assertArrayEquals(new int[] {2, 3}, c.shape());
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, c.data(), EXACT);
    }

    @Test
    void addBroadcastsBothOperands() {
        // (2,1) + (1,3) -> (2,3) outer sum; B as an initializer this time
        OnnxModel m = OnnxModel.node("Add").input("A", 2, 1)
                .initializer("B", new float[] {10, 20, 30}, 1, 3).output("C");
        OnnxOracle.Result c = OnnxOracle.run(m, OnnxOracle.feed("A", new float[] {1, 2}, 2, 1));
        assertArrayEquals(new int[] {2, 3}, c.shape());
        assertArrayEquals(new float[] {11, 21, 31, 12, 22, 32}, c.data(), EXACT);
    }

    /** x[i][j] = 4i + j + 1 on a 4×4 grid. */
    private static final float[] GRID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    private static final float[] KERNEL = {
            1, 2, 0,
            0, 1, -1,
            3, 0, 1};

    @Test
    void conv3x3OnA4x4InputByHand() {
        // Window at (0,0) is rows 0..2, cols 0..2 = [1 2 3; 5 6 7; 9 10 11]:
        //   1·1 + 2·2 + 3·0 + 5·0 + 6·1 + 7·(−1) + 9·3 + 10·0 + 11·1 = 42.
        // The input is linear, x = 4i + j + 1, so moving the window by (a, b) adds sum(k)·(4a + b),
        // sum(k) = 7: (0,1) = 49, (1,0) = 70, (1,1) = 77. Bias 0.5 added to each.
        for (OnnxModel.TensorEncoding enc : OnnxModel.TensorEncoding.values()) {
            OnnxModel m = OnnxModel.node("Conv").tensorEncoding(enc)
                    .input("X", 1, 1, 4, 4)
                    .initializer("W", KERNEL, 1, 1, 3, 3)
                    .initializer("B", new float[] {0.5f}, 1)
                    .ints("kernel_shape", 3, 3)
                    .ints("strides", 1, 1)
                    .ints("pads", 0, 0, 0, 0)
                    .output("Y");
            OnnxOracle.Result y = OnnxOracle.run(m, OnnxOracle.feed("X", GRID, 1, 1, 4, 4));
            assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape(), enc.name());
            assertArrayEquals(new float[] {42.5f, 49.5f, 70.5f, 77.5f}, y.data(), EXACT, enc.name());
        }
    }

    @Test
    void conv3x3WithZeroPaddingByHand() {
        // pads [top, left, bottom, right] = 1: output 4×4. Corner (0,0) sees x[0..1][0..1] = [1 2; 5 6]
        // under k[1..2][1..2] = [1 −1; 0 1]: 1 − 2 + 0 + 6 = 5. The interior 2×2 is the unpadded result.
        // Corner (3,3) sees x[2..3][2..3] = [11 12; 15 16] under k[0..1][0..1] = [1 2; 0 1]: 11 + 24 + 16 = 51.
        OnnxModel m = OnnxModel.node("Conv")
                .input("X", 1, 1, 4, 4)
                .initializer("W", KERNEL, 1, 1, 3, 3)
                .ints("pads", 1, 1, 1, 1)
                .output("Y", 1, 1, 4, 4);
        OnnxOracle.Result y = OnnxOracle.run(m, OnnxOracle.feed("X", GRID, 1, 1, 4, 4));
        assertArrayEquals(new int[] {1, 1, 4, 4}, y.shape());
        float[] d = y.data();
        assertEquals(5f, d[0], EXACT);
        assertEquals(42f, d[5], EXACT);
        assertEquals(49f, d[6], EXACT);
        assertEquals(70f, d[9], EXACT);
        assertEquals(77f, d[10], EXACT);
        assertEquals(51f, d[15], EXACT);
    }

    @Test
    void maxPool2x2Stride2ByHand() {
        float[] x = {
                1, 5, 2, 0,
                3, 4, 8, 7,
                -1, -2, 6, 9,
                0, -3, 10, -4};
        OnnxModel m = OnnxModel.node("MaxPool").input("X", 1, 1, 4, 4)
                .ints("kernel_shape", 2, 2).ints("strides", 2, 2).output("Y");
        OnnxOracle.Result y = OnnxOracle.run(m, OnnxOracle.feed("X", x, 1, 1, 4, 4));
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new float[] {5, 8, 0, 10}, y.data(), EXACT);
    }

    @Test
    void floatAttributeReachesTheKernel() {
        // Elu(x) = alpha·(e^x − 1) for x < 0: alpha = 2, x = −1 -> 2(e^−1 − 1) = −1.2642411
        OnnxModel m = OnnxModel.node("Elu").input("X", 2).attr("alpha", 2.0f).output("Y");
        OnnxOracle.Result y = OnnxOracle.run(m, OnnxOracle.feed("X", new float[] {-1f, 1.5f}, 2));
        assertArrayEquals(new float[] {(float) (2 * (Math.exp(-1) - 1)), 1.5f}, y.data(), CLOSE);
    }

    @Test
    void floatsAndFloatAttributesViaConstant() {
        OnnxModel floats = OnnxModel.node("Constant").floats("value_floats", 1.5f, -2f, 0.25f).output("Y");
        OnnxOracle.Result y = OnnxOracle.run(floats);
        assertArrayEquals(new int[] {3}, y.shape());
        assertArrayEquals(new float[] {1.5f, -2f, 0.25f}, y.data(), EXACT);

        OnnxModel scalar = OnnxModel.node("Constant").attr("value_float", 3.25f).output("Y");
        OnnxOracle.Result s = OnnxOracle.run(scalar);
        assertArrayEquals(new int[0], s.shape());
        assertArrayEquals(new float[] {3.25f}, s.data(), EXACT);
    }

    @Test
    void stringAttributesViaResize() {
        // 1×1×2×2 nearest ×2 (asymmetric, floor): each pixel becomes a 2×2 block
        OnnxModel m = OnnxModel.node("Resize").input("X", 1, 1, 2, 2)
                .absentInput()
                .initializer("scales", new float[] {1, 1, 2, 2}, 4)
                .attr("mode", "nearest")
                .attr("coordinate_transformation_mode", "asymmetric")
                .attr("nearest_mode", "floor")
                .output("Y");
        OnnxOracle.Result y = OnnxOracle.run(m, OnnxOracle.feed("X", new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        assertArrayEquals(new int[] {1, 1, 4, 4}, y.shape());
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, y.data(), EXACT);
    }

    @Test
    void intAttributeAndInt64Initializer() {
        // Softmax over axis 0 of (2,1): both halves of e^0/(e^0+e^ln3)
        OnnxModel m = OnnxModel.node("Softmax").input("X", 2, 1).attr("axis", 0L).output("Y");
        OnnxOracle.Result y = OnnxOracle.run(m, OnnxOracle.feed("X", new float[] {0f, (float) Math.log(3)}, 2, 1));
        assertArrayEquals(new float[] {0.25f, 0.75f}, y.data(), CLOSE);

        OnnxModel r = OnnxModel.node("Reshape").input("X", 2, 3)
                .initializerInt64("shape", new long[] {3, -1}, 2).output("Y");
        OnnxOracle.Result z = OnnxOracle.run(r, OnnxOracle.feed("X", new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertArrayEquals(new int[] {3, 2}, z.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, z.data(), EXACT);
    }

    @Test
    void declaredInputShapesSurviveTheRoundTrip() {
        OnnxModel m = OnnxModel.node("Add").input("A", 2, 3, 5).input("B", 1).output("C");
        Map<String, long[]> inputs = OnnxOracle.parsedInputs(m);
        assertArrayEquals(new long[] {2, 3, 5}, inputs.get("A"));
        assertArrayEquals(new long[] {1}, inputs.get("B"));
    }

    @Test
    void misuseFailsEarlyWithTheOffendingValue() {
        OnnxModel m = OnnxModel.node("Relu").input("X", 2).output("Y");
        assertThrows(IllegalArgumentException.class, () -> OnnxOracle.run(m));
        assertThrows(IllegalArgumentException.class, () -> OnnxOracle.feed("X", new float[3], 2));
        assertThrows(IllegalArgumentException.class,
                () -> OnnxModel.node("Conv").initializer("W", new float[8], 1, 1, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> OnnxModel.node("Relu").input("X", 1).input("X", 1));
        // a kernel of the wrong rank is ONNX Runtime's complaint, surfaced as IllegalStateException
        OnnxModel bad = OnnxModel.node("Conv").input("X", 1, 1, 4, 4)
                .initializer("W", new float[9], 3, 3).output("Y");
        assertThrows(IllegalStateException.class, () -> OnnxOracle.run(bad, OnnxOracle.feed("X", GRID, 1, 1, 4, 4)));
    }
}
