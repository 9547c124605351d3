package dev.nucleon.core.cpu;

import jdk.incubator.vector.FloatVector;

/** Touches the Vector API; loaded by {@link VectorSupport} only after it found the module. */
final class VectorLanes {

    private VectorLanes() {
    }

    static int preferredFloatLanes() {
        return FloatVector.SPECIES_PREFERRED.length();
    }
}
