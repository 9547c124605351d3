package dev.nucleon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code nucleon} command. Each subcommand is one class listed in {@code subcommands} below (add
 * {@code segment}, {@code train}, {@code evaluate}, {@code summary}, {@code bench}, {@code export} there as
 * they arrive); it implements {@code Callable<Integer>}, writes to {@code spec.commandLine().getOut()}, and
 * reports failure by throwing.
 *
 * <p>Exit codes: 0 success; 1 bad input or a runtime failure (any exception from a command); 2 a usage
 * error (unknown option, missing or malformed argument). Failures print one line, {@code nucleon: <message>},
 * on stderr; {@code --verbose} or {@code NUCLEON_DEBUG=1} adds the stack trace. Output that could not be written
 * (standard output on a full disk, a closed pipe) is a failure too, exit code 1: see {@link #execute}.
 */
@Command(name = "nucleon",
        mixinStandardHelpOptions = true,
        versionProvider = NucleonVersion.class,
        description = "Nucleon: a deep-learning library written from scratch in Java, and a cell-nuclei "
                + "segmentation toolkit on top of it.",
        subcommands = {
                InfoCommand.class,
                SegmentCommand.class,
                TrainCommand.class,
                EvaluateCommand.class,
                SummaryCommand.class,
                ExportCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class,
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  NUCLEON_JAVA_OPTS  JVM options for ./nucleon, e.g. \"-Dnucleon.threads=4\"",
                "  NUCLEON_DEBUG=1    print stack traces on failure (same as --verbose)",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:bad input or runtime failure",
                "2:usage error (unknown option, missing or malformed argument)",
        })
public final class Nucleon implements Callable<Integer> {

    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Print the stack trace when a command fails.")
    boolean verbose;

    @Spec
    private CommandSpec spec;

    /** {@code nucleon} with no subcommand is a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command (try: nucleon info)");
    }

    public static void main(String[] args) {
        System.exit(execute(commandLine(System.getenv()), System.out, args));
    }

    /**
     * Runs the command line, then checks its output reached its destination: when writing to the command's out
     * writer (or to {@code stdout}, the stream under it, which swallows write errors and only remembers them) failed —
     * {@code > /dev/full}, a reader that closed the pipe — says so on stderr and turns exit code 0 into 1.
     *
     * @param stdout the stream under the out writer, or null when there is none to check
     */
    static int execute(CommandLine cl, java.io.PrintStream stdout, String... args) {
        int code = cl.execute(args);
        PrintWriter out = cl.getOut();
        out.flush();
        if (out.checkError() || (stdout != null && stdout.checkError())) {
            PrintWriter err = cl.getErr();
            err.println("nucleon: the output could not be written (disk full, or the reading end of the pipe closed)");
            err.flush();
            return code == OK ? FAILURE : code;
        }
        return code;
    }

    /**
     * The configured command line: exit codes and error printing as described on this class. Set its out and
     * err writers to capture output.
     *
     * @param env environment variables to consult ({@code NUCLEON_DEBUG})
     */
    public static CommandLine commandLine(Map<String, String> env) {
        CommandLine top = new CommandLine(new Nucleon());
        boolean debugEnv = isTrue(env.get("NUCLEON_DEBUG"));
        top.setParameterExceptionHandler(usageErrors(top));
        top.setExecutionExceptionHandler(failures(top, debugEnv));
        top.setExitCodeExceptionMapper(e -> e instanceof ParameterException ? USAGE : FAILURE);
        top.setExecutionStrategy(Nucleon::runReportingErrors);
        return top;
    }

    /**
     * Picocli's default strategy (run the last subcommand given), except that an {@link Error} thrown by a
     * command (ExceptionInInitializerError, OutOfMemoryError, ...) goes through the same one-line report as
     * an exception instead of escaping with a stack trace.
     */
    private static int runReportingErrors(ParseResult parseResult) {
        try {
            return new CommandLine.RunLast().execute(parseResult);
        } catch (Error e) {
            ParseResult last = parseResult;
            while (last.subcommand() != null) {
                last = last.subcommand();
            }
            throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), FailureMessage.of(e), e);
        }
    }

    private static IParameterExceptionHandler usageErrors(CommandLine top) {
        return (ParameterException e, String[] args) -> {
            PrintWriter err = top.getErr();
            err.println("nucleon: " + e.getMessage());
            UnmatchedArgumentException.printSuggestions(e, err);
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            err.println("Try '" + command + " --help' for more information.");
            err.flush();
            return USAGE;
        };
    }

    private static IExecutionExceptionHandler failures(CommandLine top, boolean debugEnv) {
        return (Exception e, CommandLine command, ParseResult parseResult) -> {
            report(top.getErr(), e, debugEnv || verbose(parseResult));
            return FAILURE;
        };
    }

    static void report(PrintWriter err, Throwable e, boolean stackTrace) {
        err.println("nucleon: " + FailureMessage.of(e));
        if (stackTrace) {
            e.printStackTrace(err);
        }
        err.flush();
    }

    /** Whether -v/--verbose was given on the top command or any subcommand (it is inherited by all). */
    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTrue(String value) {
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes"));
    }
}
