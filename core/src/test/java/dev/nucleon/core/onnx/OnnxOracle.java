package dev.nucleon.core.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a one-node {@link OnnxModel} in ONNX Runtime (CPU, one thread, graph optimisations off) and
 * returns its float output: an implementation of the operators written by other people, against which
 * Nucleon's own kernels are checked.
 *
 * <pre>{@code
 * OnnxOracle.Result y = OnnxOracle.run(model, OnnxOracle.feed("X", x, 1, 1, 4, 4));
 * float[] values = y.data(); int[] shape = y.shape();
 * }</pre>
 * One {@link OrtEnvironment} (a process-wide singleton) is shared; every session and tensor is closed
 * before {@code run} returns.
 */
final class OnnxOracle {

    /** One named float input: row-major values and their shape. */
    record Feed(String name, float[] data, int[] shape) {
        Feed {
            long n = OnnxModel.numel(OnnxModel.toLongs(shape));
            if (n != data.length) {
                throw new IllegalArgumentException("onnx oracle: input '" + name + "' has " + data.length
                        + " values, shape " + Arrays.toString(shape) + " needs " + n);
            }
        }
    }

    /** The output of a run: row-major values and their shape. */
    record Result(float[] data, int[] shape) {
        @Override
        public String toString() {
            return "Result(shape=" + Arrays.toString(shape) + ", data=" + Arrays.toString(data) + ")";
        }
    }

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private OnnxOracle() {
    }

    static Feed feed(String name, float[] data, int... shape) {
        return new Feed(name, data, shape.clone());
    }

    /** ONNX Runtime's version string, for reports. */
    static String version() {
        return ENV.getVersion();
    }

    /** Runs {@code model} on {@code inputs}; every graph input of the model must be fed exactly once. */
    static Result run(OnnxModel model, Feed... inputs) {
        Map<String, Feed> byName = new LinkedHashMap<>();
        for (Feed f : inputs) {
            if (byName.put(f.name(), f) != null) {
                throw new IllegalArgumentException("onnx oracle: input '" + f.name() + "' fed twice");
            }
        }
        if (!byName.keySet().equals(new LinkedHashSet<>(model.inputNames()))) {
            throw new IllegalArgumentException("onnx oracle: " + model.opType() + " model needs inputs "
                    + model.inputNames() + ", got " + byName.keySet());
        }
        return run(model.toBytes(), model.outputName(), byName.values());
    }

    private static Result run(byte[] modelBytes, String outputName, Iterable<Feed> inputs) {
        List<OnnxTensor> tensors = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = ENV.createSession(modelBytes, options)) {
                Map<String, OnnxTensor> feeds = new HashMap<>();
                for (Feed f : inputs) {
                    OnnxTensor t = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(f.data()), OnnxModel.toLongs(f.shape()));
                    tensors.add(t);
                    feeds.put(f.name(), t);
                }
                try (OrtSession.Result result = session.run(feeds)) {
                    Optional<OnnxValue> value = result.get(outputName);
                    if (value.isEmpty() || !(value.get() instanceof OnnxTensor out)) {
                        throw new IllegalStateException("onnx oracle: no tensor output '" + outputName + "'");
                    }
                    TensorInfo info = out.getInfo();
                    long[] shape = info.getShape();
                    FloatBuffer fb = out.getFloatBuffer();
                    float[] data = new float[fb.remaining()];
                    fb.get(data);
                    int[] intShape = new int[shape.length];
                    for (int i = 0; i < shape.length; i++) {
                        intShape[i] = Math.toIntExact(shape[i]);
                    }
                    return new Result(data, intShape);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("onnx oracle: ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : tensors) {
                t.close();
            }
        }
    }

    /** Declared inputs of a model as ONNX Runtime parsed them (name → shape), for debugging the writer. */
    static Map<String, long[]> parsedInputs(OnnxModel model) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = ENV.createSession(model.toBytes(), options)) {
            Map<String, long[]> r = new LinkedHashMap<>();
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                r.put(e.getKey(), ((TensorInfo) e.getValue().getInfo()).getShape());
            }
            return r;
        } catch (OrtException e) {
            throw new IllegalStateException("onnx oracle: ONNX Runtime failed: " + e.getMessage(), e);
        }
    }
}
