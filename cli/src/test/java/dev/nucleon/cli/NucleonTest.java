package dev.nucleon.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NucleonTest {

    private static final String STACK_FRAME = "\tat ";

    @Test
    void versionComesFromTheFilteredResource() {
        String version = NucleonVersion.get();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
        Run run = Run.of("--version");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("nucleon " + version, run.out().strip());
        assertEquals("", run.err());
        assertEquals(run.out(), Run.of("-V").out());
    }

    @Test
    void helpListsSubcommandsAndExitCodes() {
        Run run = Run.of("--help");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("Usage: nucleon"), run.toString());
        assertTrue(run.out().contains("info"), run.toString());
        assertTrue(run.out().contains("--verbose"), run.toString());
        assertTrue(run.out().contains("Exit codes:"), run.toString());
        assertEquals("", run.err());
    }

    @Test
    void helpForASubcommand() {
        Run run = Run.of("help", "info");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("Usage: nucleon info"), run.toString());
        assertEquals(run.out(), Run.of("info", "--help").out());
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run run = Run.of("--frobnicate");
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("nucleon: Unknown option: '--frobnicate'"), run.toString());
        assertTrue(run.err().contains("Try 'nucleon --help'"), run.toString());
        assertFalse(run.err().contains(STACK_FRAME), run.toString());
    }

    @Test
    void unknownSubcommandOptionNamesTheSubcommand() {
        Run run = Run.of("info", "--frobnicate");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Try 'nucleon info --help'"), run.toString());
    }

    @Test
    void misspelledCommandGetsASuggestion() {
        Run run = Run.of("inof");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("nucleon: "), run.toString());
        assertTrue(run.err().contains("info"), run.toString());
    }

    @Test
    void noCommandIsAUsageError() {
        Run run = Run.of();
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("nucleon: missing command"), run.toString());
    }

    @Test
    void failureIsOneLineWithExitCode1() {
        Run run = Run.with(Map.of(), NucleonTest::addFailing, "fail");
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("nucleon: image.png: expected 8- or 16-bit grey, got 32-bit float\n",
                run.err().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void verboseAnywhereOrNucleonDebugPrintsTheStackTrace() {
        for (String[] args : new String[][] {{"-v", "fail"}, {"--verbose", "fail"}, {"fail", "-v"}}) {
            Run run = Run.with(Map.of(), NucleonTest::addFailing, args);
            assertEquals(1, run.exitCode(), run.toString());
            assertTrue(run.err().startsWith("nucleon: image.png"), run.toString());
            assertTrue(run.err().contains(STACK_FRAME), run.toString());
        }
        Run run = Run.with(Map.of("NUCLEON_DEBUG", "1"), NucleonTest::addFailing, "fail");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains(STACK_FRAME), run.toString());
        assertFalse(Run.with(Map.of("NUCLEON_DEBUG", "0"), NucleonTest::addFailing, "fail").err().contains(STACK_FRAME));
    }

    @Test
    void errorsFromStaticInitialisersReportTheirCause() {
        Run run = Run.with(Map.of(), cl -> cl.addSubcommand("init", new ThrowsError()), "init");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("nucleon: -Dnucleon.threads must be a positive integer"), run.toString());
        assertFalse(run.err().contains(STACK_FRAME), run.toString());
    }

    @Test
    void fileErrorsSayWhatKind() {
        assertEquals("no such file: /data/stage1_train", FailureMessage.of(new NoSuchFileException("/data/stage1_train")));
        assertEquals("java.lang.NullPointerException", FailureMessage.of(new NullPointerException()));
    }

    private static void addFailing(CommandLine cl) {
        cl.addSubcommand("fail", new Failing());
    }

    @Command(name = "fail")
    static final class Failing implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalArgumentException("image.png: expected 8- or 16-bit grey, got 32-bit float");
        }
    }

    @Command(name = "init")
    static final class ThrowsError implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new ExceptionInInitializerError(
                    new IllegalArgumentException("-Dnucleon.threads must be a positive integer, got '0'"));
        }
    }
}
