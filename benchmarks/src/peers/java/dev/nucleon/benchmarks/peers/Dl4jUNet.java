package dev.nucleon.benchmarks.peers;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;
import dev.nucleon.segmentation.networks.Activation;
import dev.nucleon.segmentation.networks.Output;
import dev.nucleon.segmentation.networks.UNet;
import dev.nucleon.segmentation.networks.UNetConfig;
import dev.nucleon.segmentation.networks.UpMode;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The DL4J peer of a Nucleon {@link UNet}: the same architecture as a {@link ComputationGraph} (NCHW, float32,
 * Adam lr 1e-3), with Nucleon's weights copied in.
 *
 * <p>Layer names are the Nucleon module paths of the convolutions ({@code enc1.0}, {@code enc1.2}, {@code up4.1},
 * {@code dec4.0}, {@code head.0}, …), so {@link #copyWeights} maps every Nucleon parameter {@code PATH.weight} /
 * {@code PATH.bias} to DL4J layer {@code PATH}'s {@code W} / {@code b}. Each activation module that follows a
 * convolution in Nucleon is that DL4J layer's activation.
 *
 * <p>Layouts and padding: DL4J's {@link ConvolutionLayer} weight is (C_out, C_in, kH, kW), Nucleon's (OIHW) layout;
 * its {@link Deconvolution2D} weight is (C_in, C_out, kH, kW), Nucleon's {@code ConvTranspose2d} (PyTorch) layout,
 * so both copy element for element (the shapes are checked). 3×3 convolutions use {@link ConvolutionMode#Truncate}
 * with explicit padding 1; the 2×2 convolution after nearest up-sampling ({@link UpMode#NEAREST_CONV}, Keras
 * {@code padding="same"}) uses {@link ConvolutionMode#Same}, which like Keras and Nucleon pads the odd pixel at the
 * bottom/right. The output is a {@link CnnLossLayer}: sigmoid + binary cross-entropy (XENT) for one class, softmax +
 * multi-class cross-entropy otherwise; DL4J has no BCE − log Dice, and the loss is a negligible part of a step.
 *
 * <p>Supported: the U-Nets without batch norm ({@code unet}, {@code unet-relu}, {@code unet-elu},
 * {@code unet-carving}); batch norm (paper 002's {@code unet-bn}) is refused.
 */
public final class Dl4jUNet {

    private Dl4jUNet() {
    }

    /** A DL4J graph with {@code unet}'s architecture and weights, for (N, C_in, size, size) inputs. */
    public static ComputationGraph of(UNet unet, int size) {
        ComputationGraph graph = new ComputationGraph(configuration(unet.unetConfig(), size));
        graph.init();
        copyWeights(unet, graph);
        return graph;
    }

    /** The graph configuration of {@code c} (weights left to DL4J's initialiser). */
    public static ComputationGraphConfiguration configuration(UNetConfig c, int size) {
        if (c.batchNorm()) {
            throw new IllegalArgumentException("Dl4jUNet: batch norm U-Nets are not built (fold-free U-Nets only)");
        }
        var g = new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(size, size, c.inChannels()));
        int depth = c.depth();
        boolean between = c.dropoutPlacement() == UNetConfig.DropoutPlacement.BETWEEN_CONVS;
        String[] skips = new String[depth + 1];
        String previous = "input";
        int channels = c.inChannels();
        for (int level = 1; level <= depth; level++) {
            int f = c.filters(level);
            String block = "enc" + level;
            previous = convBlock(g, block, previous, channels, f, c.encoderActivation(level, 1),
                    c.encoderActivation(level, 2), between ? c.dropout(level) : 0f);
            if (!between && c.dropout(level) > 0) {
                g.addLayer(block + ".drop", new DropoutLayer.Builder(retain(c.dropout(level))).build(), previous);
                previous = block + ".drop";
            }
            skips[level] = previous;
            if (level < depth) {
                g.addLayer("pool" + level, new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build(), previous);
                previous = "pool" + level;
            }
            channels = f;
        }
        for (int level = depth - 1; level >= 1; level--) {
            int below = c.filters(level + 1);
            int f = c.filters(level);
            String up = "up" + level;
            int upChannels = f;
            switch (c.upMode()) {
                case NEAREST_CONV -> {
                    g.addLayer(up + ".0", new Upsampling2D.Builder(2).build(), previous);
                    g.addLayer(up + ".1", new ConvolutionLayer.Builder(2, 2).nIn(below).nOut(f).stride(1, 1)
                            .convolutionMode(ConvolutionMode.Same).activation(activation(c.upActivation())).build(),
                            up + ".0");
                    previous = up + ".1";
                }
                case TRANSPOSED -> {
                    String name = c.upActivation() == Activation.NONE ? up : up + ".0";
                    g.addLayer(name, new Deconvolution2D.Builder(2, 2).nIn(below).nOut(f).stride(2, 2)
                            .convolutionMode(ConvolutionMode.Truncate).activation(activation(c.upActivation()))
                            .build(), previous);
                    previous = name;
                }
                case NEAREST -> {
                    g.addLayer(up, new Upsampling2D.Builder(2).build(), previous);
                    previous = up;
                    upChannels = below;
                }
                default -> throw new IllegalArgumentException(String.valueOf(c.upMode()));
            }
            g.addVertex("cat" + level, new MergeVertex(), previous, skips[level]);
            previous = convBlock(g, "dec" + level, "cat" + level, upChannels + f, f, c.decoderActivation(level, 1),
                    c.decoderActivation(level, 2), between ? c.dropout(level) : 0f);
        }
        int head = 0;
        channels = c.filters(1);
        if (c.headHidden() > 0) {
            g.addLayer("head.0", conv3x3(channels, c.headHidden(), c.headHiddenActivation()), previous);
            previous = "head.0";
            channels = c.headHidden();
            head = 2;
        }
        g.addLayer("head." + head, new ConvolutionLayer.Builder(1, 1).nIn(channels).nOut(c.outChannels())
                .convolutionMode(ConvolutionMode.Truncate).activation(org.nd4j.linalg.activations.Activation.IDENTITY)
                .build(), previous);
        boolean sigmoid = c.output() == Output.SIGMOID;
        g.addLayer("output", new CnnLossLayer.Builder(sigmoid ? LossFunctions.LossFunction.XENT
                : LossFunctions.LossFunction.MCXENT).activation(sigmoid ? org.nd4j.linalg.activations.Activation.SIGMOID
                : org.nd4j.linalg.activations.Activation.SOFTMAX).build(), "head." + head);
        return g.setOutputs("output").build();
    }

    /**
     * Nucleon's level block (two 3×3 convolutions, optional dropout between them) as layers {@code block.0} and
     * {@code block.2} (or {@code block.3} after a dropout at index 2, as in Nucleon's {@code Sequential}); returns
     * the last layer's name.
     */
    private static String convBlock(ComputationGraphConfiguration.GraphBuilder g, String block, String input, int in,
                                    int out, Activation first, Activation second, float dropout) {
        g.addLayer(block + ".0", conv3x3(in, out, first), input);
        String previous = block + ".0";
        int next = 2;
        if (dropout > 0) {
            g.addLayer(block + ".2", new DropoutLayer.Builder(retain(dropout)).build(), previous);
            previous = block + ".2";
            next = 3;
        }
        g.addLayer(block + "." + next, conv3x3(out, out, second), previous);
        return block + "." + next;
    }

    private static ConvolutionLayer conv3x3(int in, int out, Activation activation) {
        return new ConvolutionLayer.Builder(3, 3).nIn(in).nOut(out).stride(1, 1).padding(1, 1)
                .convolutionMode(ConvolutionMode.Truncate).activation(activation(activation)).build();
    }

    /** DL4J's dropout argument is the probability of keeping an activation. */
    private static double retain(float dropRate) {
        return 1.0 - dropRate;
    }

    private static org.nd4j.linalg.activations.Activation activation(Activation a) {
        return switch (a) {
            case RELU -> org.nd4j.linalg.activations.Activation.RELU;
            case ELU -> org.nd4j.linalg.activations.Activation.ELU;
            case SIGMOID -> org.nd4j.linalg.activations.Activation.SIGMOID;
            case NONE -> org.nd4j.linalg.activations.Activation.IDENTITY;
        };
    }

    /**
     * Copies every parameter of {@code model} into the DL4J layer of the same path ({@code weight} → {@code W},
     * {@code bias} → {@code b}); fails on a missing layer or a shape that does not match.
     */
    public static void copyWeights(Module model, ComputationGraph graph) {
        Set<String> copied = new TreeSet<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            String name = e.getKey();
            int dot = name.lastIndexOf('.');
            String layerName = name.substring(0, dot);
            String key = switch (name.substring(dot + 1)) {
                case "weight" -> "W";
                case "bias" -> "b";
                default -> throw new IllegalArgumentException("Dl4jUNet: no DL4J parameter for " + name);
            };
            Layer layer = graph.getLayer(layerName);
            if (layer == null) {
                throw new IllegalArgumentException("Dl4jUNet: no DL4J layer '" + layerName + "' for " + name);
            }
            INDArray target = layer.getParam(key);
            Tensor value = e.getValue().value();
            long[] shape = Arrays.stream(value.shape()).asLongStream().toArray();
            if (target.length() != value.numel() || key.equals("W") && !Arrays.equals(target.shape(), shape)) {
                throw new IllegalStateException("Dl4jUNet: " + name + " has shape " + Arrays.toString(shape) + ", DL4J's "
                        + layerName + "." + key + " " + Arrays.toString(target.shape()));
            }
            target.assign(Nd4j.create(value.toArray(), target.shape(), 'c'));
            copied.add(layerName);
        }
        Set<String> withParameters = new TreeSet<>();
        for (Layer l : graph.getLayers()) {
            if (l.numParams() > 0) {
                withParameters.add(l.getConfig().getLayerName());
            }
        }
        if (!copied.equals(withParameters)) {
            // no DL4J layer may keep DL4J's own initialisation
            throw new IllegalStateException("Dl4jUNet: copied into " + copied + " but the graph's layers with parameters are "
                    + withParameters);
        }
    }
}
