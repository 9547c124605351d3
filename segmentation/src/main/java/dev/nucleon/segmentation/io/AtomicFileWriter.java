package dev.nucleon.segmentation.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Atomic file replacement: the content is written to a temporary file in the target's folder, then
 * renamed over the target. A reader sees either the old file or the complete new one, never half a file,
 * and a failed write leaves the target untouched.
 */
public final class AtomicFileWriter {
    /** Writes the content of a file given its (temporary) path. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path temporary) throws IOException;
    }

    private AtomicFileWriter() {
    }

    /**
     * Writes {@code target} atomically. Parent folders are created. On any failure the temporary file is
     * removed and the error names {@code target}.
     */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        } catch (IOException | RuntimeException e) {
            throw new ImageFileException(target, "could not create a file in " + dir, e);
        }
        try {
            content.writeTo(tmp);
            readableLikeANewFile(tmp, abs);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (ImageFileException e) {
            Files.deleteIfExists(tmp);
            throw e;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new ImageFileException(target, "could not write", e);
        }
    }

    /**
     * Temporary files are created owner-only (rw-------); give the result the permissions the target had, or
     * rw-r--r-- (a new file under the usual umask 022) on POSIX file systems, so outputs stay readable by others.
     */
    private static void readableLikeANewFile(Path tmp, Path target) {
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.exists(target)
                    ? Files.getPosixFilePermissions(target)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system, or not ours to change: keep the defaults
        }
    }

    /** Writes a UTF-8 text file atomically. */
    public static void writeString(Path target, CharSequence text) throws IOException {
        write(target, tmp -> Files.writeString(tmp, text));
    }
}
