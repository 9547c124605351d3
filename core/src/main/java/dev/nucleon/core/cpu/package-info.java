/**
 * The CPU backend: float arrays on the Java heap and multi-threaded kernels in plain Java, with Vector API
 * micro-kernels when the JVM runs with {@code --add-modules jdk.incubator.vector}. It is the reference every
 * other backend is tested against. Most of its classes are internal: users reach it as
 * {@link dev.nucleon.core.Device#CPU} and size its thread pool with {@code -Dnucleon.threads=N}
 * ({@link dev.nucleon.core.cpu.Parallel}; default: every available processor).
 */
package dev.nucleon.core.cpu;
