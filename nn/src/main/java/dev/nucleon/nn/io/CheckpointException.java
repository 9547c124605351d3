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

    /**
     * An error in a file's content.
     *
     * @param file    the file at fault
     * @param message what was wrong (after the file's path in the message)
     */
    public CheckpointException(Path file, String message) {
        super(file + ": " + message);
    }

    /**
     * An error in a file's content, with its cause.
     *
     * @param file    the file at fault
     * @param message what was wrong
     * @param cause   the underlying failure
     */
    public CheckpointException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }

    /**
     * @param source the file's path, or what a stream read is called (e.g. {@code classpath:/…})
     * @param message what was wrong
     */
    public CheckpointException(String source, String message) {
        super(source + ": " + message);
    }

    /**
     * An error in a stream's content.
     *
     * @param source  what the stream is called
     * @param message what was wrong
     * @param cause   the underlying failure
     */
    public CheckpointException(String source, String message, Throwable cause) {
        super(source + ": " + message, cause);
    }
}
