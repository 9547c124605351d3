package dev.nucleon.cuda;

import dev.nucleon.core.Device;
import dev.nucleon.core.testing.BackendConformanceSuite;

/**
 * Core's op conformance suite, unchanged, on {@code cuda:0}: every op's forward against the double
 * reference and its gradient against finite differences, with the same tolerances as the CPU. Skipped,
 * with the probe's reason, where no GPU is usable.
 */
@RequiresCuda
class CudaConformanceTest extends BackendConformanceSuite {

    @Override
    protected Device device() {
        return new Device("cuda", 0);
    }
}
