package dev.nucleon.core.reference;

import dev.nucleon.core.Device;
import dev.nucleon.core.testing.BackendConformanceSuite;

/**
 * The op conformance suite on the reference backend: it implements only {@code Backend}'s eight primitives,
 * so every other op here is a composed default ({@code dev.nucleon.core.composed}), checked against the
 * double-precision references and finite differences like any backend.
 */
class ReferenceConformanceTest extends BackendConformanceSuite {

    @Override
    protected Device device() {
        return ReferenceBackend.DEVICE;
    }
}
