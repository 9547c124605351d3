package dev.nucleon.nn.onnx;

import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.nn.layers.Activation;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.ConvTranspose2d;
import dev.nucleon.nn.layers.Dropout;
import dev.nucleon.nn.layers.ELU;
import dev.nucleon.nn.layers.MaxPool2d;
import dev.nucleon.nn.layers.ReLU;
import dev.nucleon.nn.layers.Residual;
import dev.nucleon.nn.layers.Sequential;
import dev.nucleon.nn.layers.Sigmoid;
import dev.nucleon.nn.layers.Softmax;
import dev.nucleon.nn.layers.Upsample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxExporterTest {

    /** Sets batch-norm statistics away from 0/1 so the exported BatchNormalization is exercised. */
    private static void perturbBatchNorm(Module m) {
        m.namedModules().values().forEach(x -> {
            if (x instanceof BatchNorm2d b) {
                int c = b.runningMean().value().shape()[0];
                b.runningMean().assign(OrtCheck.random(7, c));
                Tensor v = OrtCheck.random(8, c);
                float[] a = v.toArray();
                for (int i = 0; i < a.length; i++) {
                    a[i] = 0.5f + Math.abs(a[i]);
                }
                b.runningVar().assign(Tensor.of(a, c));
            }
        });
    }

    @Test
    void eluBatchNormResidualPoolUpsampleSoftmaxMatchOnnxRuntime() throws Exception {
        Module model = new Sequential(
                Conv2d.builder(1, 4, 3).samePadding().build(),
                new BatchNorm2d(4),
                new ELU(0.7f),
                new Residual(new Sequential(new Conv2d(4, 4, 3, 1, 1), new ReLU(), new Conv2d(4, 4, 3, 1, 1))),
                new MaxPool2d(2),
                new Dropout(0.3f),
                new Upsample(2, UpsampleMode.BILINEAR),
                new ConvTranspose2d(4, 4, 2, 2),
                new MaxPool2d(2),
                new Upsample(2),
                new Conv2d(4, 3, 1),
                new Softmax(1));
        perturbBatchNorm(model);
        model.eval();
        OrtCheck.check(model, new int[] {1, 1, 64, 64}, new int[] {2, 1, 96, 96});
    }

    @Test
    void sigmoidHead() throws Exception {
        Module model = new Sequential(new Conv2d(1, 2, 3, 2, 1), new Sigmoid()).eval();
        OrtCheck.check(model, new int[] {1, 1, 64, 64}, new int[] {2, 1, 96, 96});
    }

    /**
     * Every activation of the {@link UnaryOp} table, as a layer and fused into the convolution before it, through
     * the ONNX node its row names (with its parameter), against ONNX Runtime at the traced size and another.
     */
    @Test
    void everyActivationOfTheTableMatchesOnnxRuntime() throws Exception {
        for (UnaryOp op : Epilogue.ACTIVATIONS) {
            float p1 = op.parameterName() == null ? 0f : 0.3f;
            Module layer = new Sequential(new Conv2d(1, 2, 3, 1, 1), new Activation(op, p1)).eval();
            OrtCheck.check(layer, new int[] {1, 1, 16, 16}, new int[] {2, 1, 24, 20});
            Conv2d fused = new Conv2d(1, 2, 3, 1, 1);
            fused.fuseActivation(new Epilogue(op, p1));
            OrtCheck.check(new Sequential(fused).eval(), new int[] {1, 1, 16, 16}, new int[] {2, 1, 24, 20});
        }
    }

    @Test
    void concatAxisAndPadComeFromTheRecords() throws Exception {
        // a 2x2 'same' convolution pads one row and column after (a Pad node), then joins its output to its input
        Module model = new Module() {
            final Conv2d conv = registerModule("conv", Conv2d.builder(2, 3, 2).samePadding().build());

            @Override
            protected Tensor compute(Tensor x) {
                return dev.nucleon.core.ops.Shaping.concat(1, conv.forward(x), x);
            }
        }.eval();
        OrtCheck.check(model, new int[] {1, 2, 12, 12}, new int[] {2, 2, 9, 15});
    }

    @Test
    void namesAnOpItCannotWrite() {
        Module model = new Module() {
            @Override
            protected Tensor compute(Tensor x) {
                return x.permute(0, 1, 3, 2);
            }
        }.eval();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> OnnxExporter.export(model, OrtCheck.random(1, 1, 1, 4, 6)));
        assertTrue(e.getMessage().contains("'permute'"), e.getMessage());
    }

    @Test
    void refusesTrainingMode() {
        Module model = new Sequential(new Conv2d(1, 2, 3, 1, 1));
        assertThrows(IllegalStateException.class, () -> OnnxExporter.export(model, OrtCheck.random(1, 1, 1, 8, 8)));
    }

    @Test
    void writesFileAtomically(@TempDir Path dir) throws Exception {
        Module model = new Sequential(new Conv2d(1, 2, 3, 1, 1), new ReLU()).eval();
        Path out = dir.resolve("sub/m.onnx");
        OnnxExporter.export(model, OrtCheck.random(1, 1, 1, 8, 8), out);
        assertTrue(Files.size(out) > 0);
        try (var files = Files.list(out.getParent())) {
            assertEquals(1, files.count());
        }
    }
}
