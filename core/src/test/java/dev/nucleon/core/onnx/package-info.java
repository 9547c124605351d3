/**
 * ONNX Runtime as an independent numerical oracle for core's ops (test scope only).
 *
 * <ul>
 *   <li>{@link dev.nucleon.core.onnx.ProtoWriter}: the few protobuf wire-format primitives needed.</li>
 *   <li>{@link dev.nucleon.core.onnx.OnnxModel}: builds a one-node ONNX {@code ModelProto} in memory
 *       (IR 8, opset 17) with typed attributes, fed inputs and stored initializers.</li>
 *   <li>{@link dev.nucleon.core.onnx.OnnxOracle}: runs such a model in ONNX Runtime (CPU, one thread,
 *       no graph optimisation) and returns the float output and its shape.</li>
 *   <li>{@link dev.nucleon.core.onnx.OracleCases}: the op geometries and their ONNX attribute mapping.</li>
 *   <li>Tests: {@code ProtoWriterTest} (bytes), {@code OnnxOracleSelfTest} (oracle vs hand-computed
 *       values), {@code OnnxGeometryTest} (output sizes), {@code OnnxOracleTest} (our values vs ORT).</li>
 * </ul>
 */
package dev.nucleon.core.onnx;
