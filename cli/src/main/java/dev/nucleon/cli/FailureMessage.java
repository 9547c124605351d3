package dev.nucleon.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one line {@code nucleon} prints for a failed command: the message of the exception that says what went
 * wrong, not of the wrappers around it, and never a bare class name when a clearer phrase exists.
 */
final class FailureMessage {

    private FailureMessage() {
    }

    static String of(Throwable failure) {
        Throwable e = failure;
        // picocli's ExecutionException, ExceptionInInitializerError, InvocationTargetException: say the cause
        while (e.getCause() != null && e.getCause() != e
                && (e.getMessage() == null || e instanceof picocli.CommandLine.ExecutionException
                        || e instanceof ExceptionInInitializerError)) {
            e = e.getCause();
        }
        String message = e.getMessage() == null || e.getMessage().isBlank() ? null : e.getMessage();
        if (e instanceof NoSuchFileException) {
            return "no such file: " + message;
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + message;
        }
        if (e instanceof FileAlreadyExistsException) {
            return "file already exists: " + message;
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory: " + message;
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + (message == null ? "heap" : message)
                    + "); give the JVM more with NUCLEON_JAVA_OPTS=-Xmx<size>";
        }
        return message == null ? e.toString() : message;
    }
}
