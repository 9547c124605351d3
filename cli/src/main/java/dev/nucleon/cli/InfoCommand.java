package dev.nucleon.cli;

import dev.nucleon.core.backend.BackendStatus;
import dev.nucleon.core.backend.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code nucleon info}: what this installation will run on — Nucleon and Java versions, the machine, and one
 * line per backend (available with its configuration, or unavailable and why).
 */
@Command(name = "info",
        mixinStandardHelpOptions = true,
        versionProvider = NucleonVersion.class,
        description = {"Print versions, the machine, and the status of every backend (CPU threads and "
                + "Vector API width; CUDA availability and why not)."})
final class InfoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        List<BackendStatus> backends = Backends.statuses(); // first: a bad -Dnucleon.threads fails before any output
        PrintWriter out = spec.commandLine().getOut();
        Runtime runtime = Runtime.getRuntime();
        out.println("Nucleon " + NucleonVersion.get());
        row(out, "Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        row(out, "Java home", System.getProperty("java.home"));
        row(out, "OS", System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " (" + System.getProperty("os.arch") + ")");
        row(out, "Cores", Integer.toString(runtime.availableProcessors()));
        row(out, "Max heap", runtime.maxMemory() == Long.MAX_VALUE ? "unlimited" : bytes(runtime.maxMemory()));
        out.println("Backends:");
        for (BackendStatus status : backends) {
            out.println("  " + status);
        }
        out.flush();
        return 0;
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf(Locale.ROOT, "%-10s %s%n", label + ":", value);
    }

    /** Binary units with one decimal: {@code 1.9 GiB}. */
    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
