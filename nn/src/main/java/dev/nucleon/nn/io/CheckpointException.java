package dev.nucleon.nn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file that cannot be used: malformed or truncated safetensors, an unsupported dtype, a
 * tensor of the wrong shape, a configuration no builder knows. The message starts with the file and
 * names the tensor when one is at fault.
 */
public final class CheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(Path file, String message) {
        super(file + ": " + message);
    }

    public CheckpointException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }

    /** @param source the file's path, or what a stream read is called (e.g. {@code classpath:/…}) */
    public CheckpointException(String source, String message) {
        super(source + ": " + message);
    }

    public CheckpointException(String source, String message, Throwable cause) {
        super(source + ": " + message, cause);
    }
}
