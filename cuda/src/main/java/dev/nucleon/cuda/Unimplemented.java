package dev.nucleon.cuda;

/** The error for an op whose CUDA kernel is not written yet: loud, naming the op, never a silent CPU detour. */
final class Unimplemented {

    private Unimplemented() {
    }

    static UnsupportedOperationException op(String what) {
        return new UnsupportedOperationException("cuda: " + what + " has no CUDA kernel yet");
    }
}
