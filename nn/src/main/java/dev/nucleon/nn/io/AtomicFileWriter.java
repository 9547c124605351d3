package dev.nucleon.nn.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * Atomic file replacement: the content is written to a temporary file in the target's folder, then
 * renamed over the target. A reader sees either the old file or the complete new one, never half a file,
 * and a failed write leaves the target untouched.
 *
 * <p>Durable too: the temporary file is flushed to the device ({@code fsync}) before the rename, and the folder
 * after it (where the OS allows opening a folder, as Linux and macOS do), so a power cut after {@code write}
 * returns loses neither the content nor the name. The temporary file is named {@code .<target name>.nucleon-<n>.tmp};
 * a killed process leaves it behind, and {@link #removeStaleTemporaryFiles(Path)} clears such leftovers.
 *
 * <p>The one atomic writer of the project: checkpoints ({@link SafeTensors}), ONNX exports and every output of
 * {@code segmentation} and {@code cli} (label images, CSV tables, manifests) go through it. It lives in {@code nn},
 * the lowest layer that writes files.
 */
public final class AtomicFileWriter {
    /** Names of this class's temporary files, and of those earlier versions made ({@code .<name>.<digits>.tmp}). */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.(nucleon-)?\\d+\\.tmp");

    /** Sees every fsync, for tests: {@code file} is the temporary file or, for {@code folder}, the target's folder. */
    interface SyncListener {
        void synced(Path path, boolean folder);
    }

    static volatile SyncListener syncListener;

    /** Writes the content of a file given its (temporary) path. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content.
         *
         * @param temporary the file to write (it exists, empty; close every stream on it before returning)
         * @throws IOException when writing fails: the temporary file is removed and the target left as it was
         */
        void writeTo(Path temporary) throws IOException;
    }

    private AtomicFileWriter() {
    }

    /**
     * Writes {@code target} atomically. Parent folders are created. On any failure the temporary file is
     * removed. An I/O failure's message starts with {@code target}: an {@link IOException} from {@code content} that
     * already names the target passes through unchanged, any other (or an {@link UncheckedIOException}) is wrapped as
     * {@code "<target>: could not write (<cause>)"}. Any other unchecked exception from {@code content} (a refused
     * argument) passes through unchanged.
     *
     * @param target  the file to (re)place; an existing one is replaced only once the new one is complete
     * @param content writes the new content to a temporary file beside the target
     * @throws IOException when the content cannot be written or moved into place; the target is then unchanged
     */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".nucleon-", ".tmp");
        } catch (IOException | RuntimeException e) {
            throw failure(target, "could not create a file in " + dir, e);
        }
        try {
            content.writeTo(tmp);
            readableLikeANewFile(tmp, abs);
            syncFile(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            syncFolder(dir);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw names(e, target, abs) ? e : failure(target, "could not write", e);
        } catch (UncheckedIOException e) {
            Files.deleteIfExists(tmp);
            throw failure(target, "could not write", e.getCause());
        } catch (RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e; // a refused argument or a bug, not an I/O failure: its own type and message
        }
    }

    /** Whether {@code e}'s message already starts with the target's path (as given, or absolute). */
    private static boolean names(IOException e, Path target, Path abs) {
        String m = e.getMessage();
        return m != null && (m.startsWith(target.toString()) || m.startsWith(abs.toString()));
    }

    /** {@code "<target>: <what> (<cause's message>)"}, the cause attached. */
    private static IOException failure(Path target, String what, Throwable cause) {
        String detail = cause.getMessage() != null ? " (" + cause.getMessage() + ")" : "";
        return new IOException(target + ": " + what + detail, cause);
    }

    /**
     * Deletes the temporary files a killed writer left in {@code folder} (not in its subfolders):
     * hidden files named {@code .<name>.nucleon-<digits>.tmp} (or {@code .<name>.<digits>.tmp}, earlier versions).
     * Call it when a run starts writing into a folder no other process is writing to.
     *
     * @param folder the output folder
     * @return how many were deleted; 0 when the folder does not exist
     * @throws IOException when the folder cannot be listed or a file cannot be deleted
     */
    public static int removeStaleTemporaryFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder,
                p -> TEMPORARY.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))) {
            for (Path p : files) {
                if (Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Flushes the file's content and size to the device before it is renamed. */
    private static void syncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        SyncListener l = syncListener;
        if (l != null) {
            l.synced(file, false);
        }
    }

    /**
     * Flushes the folder's entries (the rename) to the device. Opening a folder for reading is how POSIX systems
     * do it; where the OS refuses (Windows), the rename is as durable as that OS makes it.
     */
    private static void syncFolder(Path folder) {
        if (folder == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            return; // not supported for folders here
        }
        SyncListener l = syncListener;
        if (l != null) {
            l.synced(folder, true);
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

    /**
     * Writes a UTF-8 text file atomically, see {@link #write}.
     *
     * @param target the file to (re)place
     * @param text   its content
     * @throws IOException when it cannot be written; the target is then unchanged
     */
    public static void writeString(Path target, CharSequence text) throws IOException {
        write(target, tmp -> Files.writeString(tmp, text));
    }
}
