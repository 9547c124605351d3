package dev.nucleon.benchmarks.report;

import dev.nucleon.nn.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a JMH JSON result file ({@code -rf json -rff FILE}): which benchmark, its parameters and its primary
 * score, converted to milliseconds per operation.
 *
 * @param benchmarkClass the benchmark class's simple name, e.g. {@code InferenceBenchmark}
 * @param method         the benchmark method, e.g. {@code nucleon}, {@code onnxRuntime}, {@code dl4j}
 * @param params         JMH parameters as text ({@code model}, {@code batch}, {@code threads}, …)
 * @param ms             score, ms per operation
 * @param msError        JMH's score error (99.9 % half-width), ms; NaN when JMH gives none (one iteration)
 * @param jdk            the fork's JDK version and VM, e.g. {@code 17.0.15, OpenJDK 64-Bit Server VM 17.0.15+6}
 */
public record JmhResult(String benchmarkClass, String method, Map<String, String> params, double ms, double msError,
                        String jdk) {

    /** The entries of every file, in order. */
    public static List<JmhResult> read(List<Path> files) throws IOException {
        List<JmhResult> all = new ArrayList<>();
        for (Path file : files) {
            try {
                all.addAll(parse(Files.readString(file)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": not a JMH JSON result file: " + e.getMessage(), e);
            }
        }
        return all;
    }

    /** The entries of one JMH JSON document (an array of benchmark results). */
    public static List<JmhResult> parse(String json) {
        List<JmhResult> results = new ArrayList<>();
        for (Object entry : (List<?>) Json.parse(json)) {
            Map<?, ?> e = (Map<?, ?>) entry;
            String benchmark = (String) e.get("benchmark");
            int dot = benchmark.lastIndexOf('.');
            String className = benchmark.substring(0, dot);
            Map<String, String> params = new LinkedHashMap<>();
            if (e.get("params") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> params.put((String) k, String.valueOf(v)));
            }
            Map<?, ?> primary = (Map<?, ?>) e.get("primaryMetric");
            double toMs = millisPer((String) primary.get("scoreUnit"), benchmark);
            String jdk = e.get("jdkVersion") + ", " + e.get("vmName") + " " + e.get("vmVersion");
            results.add(new JmhResult(className.substring(className.lastIndexOf('.') + 1), benchmark.substring(dot + 1),
                    params, number(primary.get("score")) * toMs, number(primary.get("scoreError")) * toMs, jdk));
        }
        return results;
    }

    /** An integer parameter, e.g. {@code batch}; {@code fallback} when absent. */
    public int intParam(String name, int fallback) {
        String v = params.get(name);
        return v == null ? fallback : Integer.parseInt(v);
    }

    /** A parameter, or {@code fallback} when absent. */
    public String param(String name, String fallback) {
        return params.getOrDefault(name, fallback);
    }

    /** JMH writes numbers, or strings such as "NaN" where a value is undefined. */
    private static double number(Object v) {
        if (v instanceof Json.Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            return Double.parseDouble(s);
        }
        return Double.NaN;
    }

    private static double millisPer(String unit, String benchmark) {
        return switch (unit) {
            case "ms/op" -> 1;
            case "s/op" -> 1e3;
            case "us/op" -> 1e-3;
            case "ns/op" -> 1e-6;
            default -> throw new IllegalArgumentException(benchmark + ": score unit " + unit
                    + " is not a time per operation (run in -bm avgt)");
        };
    }
}
