package dev.nucleon.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Lets a library's {@code PrintStream} log (the trainer's epochs, a recipe's patch progress) write through one of
 * picocli's writers, so the command's output and error streams stay the ones tests capture. Bytes are UTF-8.
 */
final class WriterOutputStream extends OutputStream {
    private final PrintWriter w;

    WriterOutputStream(PrintWriter w) {
        this.w = w;
    }

    @Override
    public void write(int b) {
        w.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        w.write(new String(b, off, len, StandardCharsets.UTF_8));
    }

    @Override
    public void flush() {
        w.flush();
    }
}
