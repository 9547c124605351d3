package dev.nucleon.segmentation.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An image, label or table file could not be read or written: corrupt, truncated, empty, unsupported,
 * or of the wrong kind. The message always starts with the file's path.
 */
public class ImageFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    /**
     * @param file the file at fault
     * @param what what was wrong with it, e.g. {@code "corrupt or truncated image"}
     */
    public ImageFileException(Path file, String what) {
        super(file + ": " + what);
        this.file = file;
    }

    /**
     * @param file  the file at fault
     * @param what  what was wrong with it
     * @param cause the underlying failure (its message is appended in parentheses), or null
     */
    public ImageFileException(Path file, String what, Throwable cause) {
        super(file + ": " + what + (cause != null && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""),
                cause);
        this.file = file;
    }

    /** {@return the offending file} */
    public Path file() {
        return file;
    }
}
