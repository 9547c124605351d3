package dev.nucleon.opencl;

import dev.nucleon.core.Device;
import dev.nucleon.core.testing.BackendConformanceSuite;

/**
 * Core's op conformance suite, unchanged, on {@code opencl:0} (PoCL's CPU device in CI): every op's forward against
 * the double reference and its gradient against finite differences, with the same tolerances as the CPU. Most ops
 * here are the composed defaults running on this backend's primitive kernels. Skipped with the probe's reason where
 * no OpenCL device is usable, except in CI ({@link RequiresOpenCl}).
 */
@RequiresOpenCl
class OpenClConformanceTest extends BackendConformanceSuite {

    @Override
    protected Device device() {
        return new Device("opencl", 0);
    }
}
