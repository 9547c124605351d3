package dev.nucleon.core.cpu;

import dev.nucleon.core.Device;
import dev.nucleon.core.testing.BackendConformanceSuite;

/** The op conformance suite on the CPU backend, the reference every other backend is held to. */
class CpuConformanceTest extends BackendConformanceSuite {

    @Override
    protected Device device() {
        return Device.CPU;
    }
}
