package dev.nucleon.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.function.Consumer;

/** One in-process run of the {@code nucleon} command line, with its exit code and captured output. */
record Run(int exitCode, String out, String err) {

    static Run of(String... args) {
        return with(Map.of(), cl -> { }, args);
    }

    /** Runs with the given environment, after {@code setup} (e.g. adding a test subcommand). */
    static Run with(Map<String, String> env, Consumer<CommandLine> setup, String... args) {
        CommandLine cl = Nucleon.commandLine(env);
        setup.accept(cl);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
