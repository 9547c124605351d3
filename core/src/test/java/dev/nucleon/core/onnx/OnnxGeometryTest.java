package dev.nucleon.core.onnx;

import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.PoolGeometry;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Output sizes from {@link ConvGeometry} and {@link PoolGeometry} against the shapes ONNX Runtime
 * produces for the same {@link OracleCases}: the geometry formulas and the ONNX attribute mapping
 * checked together, before any values are compared.
 */
class OnnxGeometryTest {

    private static OnnxOracle.Result runZeros(OnnxModel m, int[] inputShape) {
        int numel = Arrays.stream(inputShape).reduce(1, (a, b) -> a * b);
        return OnnxOracle.run(m, OnnxOracle.feed("X", new float[numel], inputShape));
    }

    private static float[] zeros(int[] shape) {
        return new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
    }

    @TestFactory
    Stream<DynamicTest> conv2dOutputShape() {
        return OracleCases.CONV.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            ConvGeometry g = new ConvGeometry(c.n(), c.cin(), c.h(), c.w(), c.cout(), c.kh(), c.kw(),
                    c.sh(), c.sw(), c.ph(), c.pw(), c.dh(), c.dw(), c.groups());
            assertArrayEquals(c.weightShape(), g.weightShape());
            OnnxOracle.Result y = runZeros(c.model(zeros(c.weightShape()), c.bias() ? new float[c.cout()] : null),
                    c.inputShape());
            assertArrayEquals(y.shape(), g.outputShape(), g::toString);
        }));
    }

    @TestFactory
    Stream<DynamicTest> convTranspose2dOutputShape() {
        return OracleCases.CONV_TRANSPOSE.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            ConvGeometry g = ConvGeometry.forTranspose(c.n(), c.cin(), c.h(), c.w(), c.cout(), c.kh(), c.kw(),
                    c.sh(), c.sw(), c.ph(), c.pw(), c.oph(), c.opw(), c.dh(), c.dw(), c.groups());
            OnnxOracle.Result y = runZeros(c.model(zeros(c.weightShape()), c.bias() ? new float[c.cout()] : null),
                    c.inputShape());
            assertArrayEquals(y.shape(), c.outputShape(), c::toString);
            // the equivalent convolution's input is the transposed convolution's output, its weight ours
            assertArrayEquals(y.shape(), g.inputShape(), g::toString);
            assertArrayEquals(c.weightShape(), g.weightShape(), g::toString);
        }));
    }

    @TestFactory
    Stream<DynamicTest> poolOutputShape() {
        List<DynamicTest> tests = new ArrayList<>();
        for (OracleCases.PoolCase c : OracleCases.POOL) {
            tests.add(DynamicTest.dynamicTest("max " + c, () -> {
                PoolGeometry g = PoolGeometry.of(c.inputShape(), c.k(), c.s(), c.p(), false);
                assertArrayEquals(runZeros(c.maxPool(), c.inputShape()).shape(), g.outputShape());
            }));
            for (boolean include : new boolean[] {false, true}) {
                tests.add(DynamicTest.dynamicTest("avg " + c + " count_include_pad=" + include, () -> {
                    PoolGeometry g = PoolGeometry.of(c.inputShape(), c.k(), c.s(), c.p(), include);
                    assertArrayEquals(runZeros(c.avgPool(include), c.inputShape()).shape(), g.outputShape());
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> resizeOutputShape() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int[] shape : OracleCases.RESIZE_SHAPES) {
            for (int factor : new int[] {2, 3}) {
                for (boolean bilinear : new boolean[] {false, true}) {
                    tests.add(DynamicTest.dynamicTest((bilinear ? "bilinear" : "nearest") + " ×" + factor + " "
                            + Arrays.toString(shape), () -> {
                        int[] expected = {shape[0], shape[1], shape[2] * factor, shape[3] * factor};
                        assertArrayEquals(expected, runZeros(OracleCases.resize(shape, factor, bilinear), shape).shape());
                    }));
                }
            }
        }
        return tests.stream();
    }
}
