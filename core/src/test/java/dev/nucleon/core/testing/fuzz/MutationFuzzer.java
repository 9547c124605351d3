package dev.nucleon.core.testing.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A seeded mutation fuzzer for file readers, run as an ordinary JUnit test: no agent, no instrumentation.
 *
 * <p>Iteration {@code i < corpus size} feeds corpus item {@code i} unchanged (it must be accepted: the corpus
 * is valid). Every later iteration takes a random corpus item and applies 1–4 stacked mutations, each either
 * a format-blind one from {@link Mutations} or the target's header-field mutation ({@link #fields}); then,
 * half of the time, the target's {@link #repair} (recomputed checksums or length fields, so the input gets
 * past the first check and into the parser). The input of iteration {@code i} depends only on the seed,
 * {@code i} and the corpus, so any input can be rebuilt from its (seed, iteration).
 *
 * <p>The contract, checked for every input:
 * <ul>
 *   <li>the reader returns, or throws one of its documented error types ({@link #expect}) with a message;
 *       any other exception or error fails;</li>
 *   <li>it finishes within the per-input timeout (a hang fails);</li>
 *   <li>it never runs out of memory, and an input it refuses must be refused before the reader allocated more
 *       than the per-input allocation limit (measured on the reader's own thread): a file declaring a huge size
 *       must be turned down from its header, not after its pixels were allocated.</li>
 * </ul>
 * A failing input is shrunk (chunks removed while it still fails the same way), written to
 * {@code target/fuzz-crashes/} with its stack trace, and reported with the seed, iteration and the command that
 * replays it.
 *
 * <p>Budget: by default the target's own number of iterations ({@link #iterations}, sized so that the nine
 * targets together take about a minute on two idle cores), stopped early at {@value #DEFAULT_CAP_SECONDS} s on a slower machine.
 * System properties: {@code nucleon.fuzz.seconds} (a time budget per target instead, for longer runs),
 * {@code nucleon.fuzz.iterations} (a number of iterations instead), {@code nucleon.fuzz.seed} (a number,
 * or {@code random}; default a fixed seed per target), {@code nucleon.fuzz.iteration} (replay that one
 * iteration only), {@code nucleon.fuzz.timeoutSeconds} (per input, default {@value #DEFAULT_TIMEOUT_SECONDS}),
 * {@code nucleon.fuzz.maxAllocMb} (per input, default {@value #DEFAULT_MAX_ALLOC_MB}).
 */
public final class MutationFuzzer {

    /** The code under test: reads one input. */
    @FunctionalInterface
    public interface Body {
        void accept(byte[] input) throws Throwable;
    }

    /** A format-aware mutation (a header field set to an interesting value); returns its input when it does not apply. */
    @FunctionalInterface
    public interface FieldMutator {
        byte[] mutate(byte[] input, SplittableRandom rnd);
    }

    /** Makes a mutated input consistent again where the format has redundancy (checksums, length fields). */
    @FunctionalInterface
    public interface Repair {
        byte[] apply(byte[] input);
    }

    /** Iterations of a target that does not set its own. */
    public static final long DEFAULT_ITERATIONS = 1000;
    /** The time cap on the default budget. */
    public static final double DEFAULT_CAP_SECONDS = 12;
    public static final double DEFAULT_TIMEOUT_SECONDS = 10;
    /**
     * Per-input allocation limit for refused inputs. It counts short-lived garbage too: the JDK's own TIFF LZW
     * decoder churns through up to a few hundred MB on some corrupt strips, hence this much headroom.
     */
    public static final long DEFAULT_MAX_ALLOC_MB = 512;
    private static final int MAX_FAILURES = 10;
    private static final int MAX_INPUT_BYTES = 1 << 20;
    private static final long MINIMIZE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String name;
    private final List<byte[]> corpus = new ArrayList<>();
    private final List<String> corpusNames = new ArrayList<>();
    private final List<Class<? extends Throwable>> documented = new ArrayList<>();
    private FieldMutator fields;
    private Repair repair;
    private long iterationBudget = DEFAULT_ITERATIONS;
    private double timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
    private long maxAllocMb = DEFAULT_MAX_ALLOC_MB;

    private MutationFuzzer(String name) {
        this.name = name;
    }

    /** A fuzzer for the target {@code name} (used in file names and messages, and to derive the default seed). */
    public static MutationFuzzer target(String name) {
        return new MutationFuzzer(name);
    }

    /**
     * Adds every file of the class-path folder {@code resource} (e.g. {@code /fuzz-corpus/png}) to the corpus, or
     * the one file when it names a file.
     */
    public MutationFuzzer corpus(String resource) {
        URL url = MutationFuzzer.class.getResource(resource);
        if (url == null) {
            throw new IllegalArgumentException("fuzz corpus " + resource + " is not on the test class path");
        }
        try (Stream<Path> files = Files.isDirectory(Path.of(url.toURI())) ? Files.list(Path.of(url.toURI()))
                : Stream.of(Path.of(url.toURI()))) {
            for (Path f : files.sorted().toList()) {
                corpus(f.getFileName().toString(), Files.readAllBytes(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
        return this;
    }

    /** Adds one corpus item. */
    public MutationFuzzer corpus(String itemName, byte[] item) {
        corpusNames.add(itemName);
        corpus.add(item.clone());
        return this;
    }

    /** The reader's documented error types: throwing one of these (with a message) is a correct refusal. */
    @SafeVarargs
    public final MutationFuzzer expect(Class<? extends Throwable>... types) {
        documented.addAll(List.of(types));
        return this;
    }

    public MutationFuzzer fields(FieldMutator mutator) {
        this.fields = mutator;
        return this;
    }

    public MutationFuzzer repair(Repair r) {
        this.repair = r;
        return this;
    }

    /** The default budget: this many iterations (capped in time; the nucleon.fuzz.* properties win). */
    public MutationFuzzer iterations(long n) {
        this.iterationBudget = n;
        return this;
    }

    /** The per-input timeout, default {@value #DEFAULT_TIMEOUT_SECONDS} s. */
    public MutationFuzzer timeoutSeconds(double s) {
        this.timeoutSeconds = s;
        return this;
    }

    /** The per-input allocation limit, default {@value #DEFAULT_MAX_ALLOC_MB} MB. */
    public MutationFuzzer maxAllocMb(long mb) {
        this.maxAllocMb = mb;
        return this;
    }

    // ----- running ----------------------------------------------------------------------------------------

    /** Runs the budget and fails the calling test if any input broke the contract. */
    public void run(Body body) {
        if (corpus.isEmpty()) {
            throw new IllegalStateException("fuzz target " + name + " has an empty corpus");
        }
        long seed = seed();
        String secondsProperty = System.getProperty("nucleon.fuzz.seconds", "");
        String iterationsProperty = System.getProperty("nucleon.fuzz.iterations", "");
        double seconds = !secondsProperty.isBlank() ? Double.parseDouble(secondsProperty.trim())
                : iterationsProperty.isBlank() ? DEFAULT_CAP_SECONDS : Double.POSITIVE_INFINITY;
        long maxIterations = !iterationsProperty.isBlank() ? Long.parseLong(iterationsProperty.trim())
                : secondsProperty.isBlank() ? iterationBudget : Long.MAX_VALUE;
        Long only = Long.getLong("nucleon.fuzz.iteration");
        long timeoutNanos = (long) (doubleProperty("nucleon.fuzz.timeoutSeconds", timeoutSeconds) * 1e9);
        long maxAlloc = Long.getLong("nucleon.fuzz.maxAllocMb", maxAllocMb) << 20;
        String caller = caller();

        Runner runner = new Runner(body, timeoutNanos, maxAlloc);
        Map<String, Failure> failures = new LinkedHashMap<>();
        long start = System.nanoTime();
        boolean timed = !Double.isInfinite(seconds);
        long deadline = start + (timed ? (long) (seconds * 1e9) : 0);
        long iterations = 0, refused = 0, mostAllocated = 0, mostAllocatedAt = -1;
        try {
            for (long i = only != null ? only : 0; ; i++) {
                boolean budgetSpent = iterations >= maxIterations || timed && System.nanoTime() - deadline > 0;
                if (only != null ? i > only : i >= corpus.size() && budgetSpent) {
                    break;
                }
                byte[] input = input(seed, i);
                Outcome o = runner.run(input);
                iterations++;
                if (o.refusal()) {
                    refused++;
                    if (o.allocated > mostAllocated) {
                        mostAllocated = o.allocated;
                        mostAllocatedAt = i;
                    }
                }
                if (i < corpus.size() && o.error != null && o.failure == null) {
                    o = new Outcome("valid corpus item " + corpusNames.get((int) i) + " refused", o.error, o.allocated,
                            o.error, false);
                }
                if (o.failure == null || failures.containsKey(o.signature())) {
                    if (o.hung) {
                        break; // the worker is stuck; the failure is already recorded
                    }
                    continue;
                }
                byte[] small = o.hung ? input : minimize(runner, input, o.signature());
                failures.put(o.signature(), new Failure(i, o, write(seed, i, input, small, o, caller)));
                if (o.hung || failures.size() >= MAX_FAILURES) {
                    break;
                }
            }
        } finally {
            runner.close();
        }
        double took = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "fuzz %s: seed %d, %d inputs in %.1f s (%d refused with a documented error;"
                + " most allocated before a refusal: %.1f MB, iteration %d), %d failure(s)%s%n", name, seed, iterations,
                took, refused, mostAllocated / 1048576.0, mostAllocatedAt, failures.size(),
                maxIterations != Long.MAX_VALUE && iterations < maxIterations && failures.isEmpty() && only == null
                        ? "; time cap reached before the " + maxIterations + " iterations" : "");
        if (!failures.isEmpty()) {
            StringBuilder sb = new StringBuilder("fuzz target " + name + " (seed " + seed + "): " + failures.size()
                    + " distinct failure(s)\n");
            for (Failure f : failures.values()) {
                sb.append("  iteration ").append(f.iteration).append(": ").append(f.outcome.failure)
                        .append(f.outcome.error != null ? ": " + f.outcome.error : "")
                        .append("\n    input: ").append(f.file).append('\n');
            }
            sb.append("  replay one with: mvn -B -o -q -pl ").append(module()).append(" -am test -Dtest=").append(caller)
                    .append(" -Dsurefire.failIfNoSpecifiedTests=false -Dnucleon.fuzz.seed=").append(seed)
                    .append(" -Dnucleon.fuzz.iteration=<iteration>");
            fail(sb.toString(), failures.values().iterator().next().outcome.error);
        }
    }

    /** The input of iteration {@code i}: a corpus item as is, then mutated items. */
    byte[] input(long seed, long i) {
        if (i < corpus.size()) {
            return corpus.get((int) i);
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L));
        byte[] x = corpus.get(rnd.nextInt(corpus.size()));
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            byte[] other = corpus.get(rnd.nextInt(corpus.size()));
            x = fields != null && rnd.nextInt(3) == 0 ? fields.mutate(x, rnd) : Mutations.any(x, other, rnd);
            if (x.length > MAX_INPUT_BYTES) {
                x = java.util.Arrays.copyOf(x, MAX_INPUT_BYTES);
            }
        }
        if (repair != null && rnd.nextBoolean()) {
            x = repair.apply(x);
        }
        return x;
    }

    private long seed() {
        String s = System.getProperty("nucleon.fuzz.seed", "");
        if (s.isBlank()) {
            return name.hashCode(); // String.hashCode is specified, so the default seed is the same everywhere
        }
        if (s.equalsIgnoreCase("random")) {
            return new SplittableRandom().nextLong();
        }
        return Long.parseLong(s.trim());
    }

    private static double doubleProperty(String key, double dflt) {
        String s = System.getProperty(key, "");
        return s.isBlank() ? dflt : Double.parseDouble(s.trim());
    }

    /** Removes chunks of the input while it still fails with the same signature (bounded in time). */
    private static byte[] minimize(Runner runner, byte[] input, String signature) {
        long until = System.nanoTime() + MINIMIZE_NANOS;
        byte[] best = input;
        for (int chunk = Math.max(1, best.length / 2); chunk >= 1 && System.nanoTime() < until; chunk /= 2) {
            for (int at = 0; at + chunk <= best.length && System.nanoTime() < until; ) {
                byte[] candidate = Mutations.replace(best, at, at + chunk, new byte[0]);
                Outcome o = runner.run(candidate);
                if (o.hung) {
                    return best;
                }
                if (o.failure != null && o.signature().equals(signature)) {
                    best = candidate;
                } else {
                    at += chunk;
                }
            }
        }
        return best;
    }

    private Path write(long seed, long i, byte[] input, byte[] small, Outcome o, String caller) {
        Path dir = Path.of("target", "fuzz-crashes");
        String stem = name + "-seed" + seed + "-iter" + i;
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(stem + ".bin"), input);
            Files.write(dir.resolve(stem + ".min.bin"), small);
            StringWriter trace = new StringWriter();
            if (o.error != null) {
                o.error.printStackTrace(new PrintWriter(trace));
            }
            Files.writeString(dir.resolve(stem + ".txt"), "target " + name + ", test " + caller + ", seed " + seed
                    + ", iteration " + i + "\n" + o.failure + "\ninput " + input.length + " bytes, minimized to "
                    + small.length + " bytes (" + stem + ".min.bin)\n\n" + trace, StandardCharsets.UTF_8);
            return dir.resolve(stem + ".bin").toAbsolutePath();
        } catch (IOException e) {
            return dir.resolve(stem + ".bin (not written: " + e.getMessage() + ")");
        }
    }

    /** {@code TestClass#testMethod}: the outermost frame of the first class calling the fuzzer. */
    private static String caller() {
        List<StackWalker.StackFrame> frames = StackWalker.getInstance().walk(s -> s.toList());
        String cls = frames.stream().map(StackWalker.StackFrame::getClassName)
                .filter(c -> !c.startsWith(MutationFuzzer.class.getName())).findFirst().orElse("?");
        String method = "?";
        for (StackWalker.StackFrame f : frames) {
            if (f.getClassName().equals(cls)) {
                method = f.getMethodName();
            }
        }
        return cls.substring(cls.lastIndexOf('.') + 1) + "#" + method;
    }

    private static String module() {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        return Path.of(basedir).getFileName().toString();
    }

    // ----- one input --------------------------------------------------------------------------------------

    private record Failure(long iteration, Outcome outcome, Path file) {
    }

    /**
     * What one input did. {@code failure} is null when the contract held; {@code error} is what was thrown
     * (a documented refusal when failure is null).
     */
    private record Outcome(String failure, Throwable error, long allocated, Throwable where, boolean hung) {

        boolean refusal() {
            return failure == null && error != null;
        }

        /** Kind of failure + exception type + the first frame in Nucleon's code: the same bug gives the same signature. */
        String signature() {
            String kind = failure == null ? "" : failure.replaceAll("[0-9]+", "#");
            if (hung) {
                return "hang";
            }
            if (where == null) {
                return kind;
            }
            StackTraceElement top = null;
            for (StackTraceElement e : where.getStackTrace()) {
                if (e.getClassName().startsWith("dev.nucleon") && !e.getClassName().startsWith(MutationFuzzer.class.getName())) {
                    top = e;
                    break;
                }
            }
            return kind.replaceAll(":.*", "") + " " + where.getClass().getName() + " at " + top;
        }
    }

    /** Runs inputs on a worker thread, with a timeout and the thread's allocation measured. */
    private final class Runner {
        private final Body body;
        private final long timeoutNanos;
        private final long maxAlloc;
        private ExecutorService worker = newWorker();
        private final com.sun.management.ThreadMXBean threads = allocationCounter();

        Runner(Body body, long timeoutNanos, long maxAlloc) {
            this.body = body;
            this.timeoutNanos = timeoutNanos;
            this.maxAlloc = maxAlloc;
        }

        Outcome run(byte[] input) {
            Future<Outcome> f = worker.submit(() -> {
                long before = threads != null ? threads.getCurrentThreadAllocatedBytes() : 0;
                Throwable thrown = null;
                try {
                    body.accept(input.clone());
                } catch (Throwable t) {
                    thrown = t;
                }
                long allocated = threads != null ? threads.getCurrentThreadAllocatedBytes() - before : 0;
                return judge(input, thrown, allocated);
            });
            try {
                return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                worker.shutdownNow();
                worker = newWorker();
                return new Outcome(String.format(Locale.ROOT, "hang: no answer within %.1f s", timeoutNanos / 1e9), null, 0,
                        null, true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("fuzzing interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        private Outcome judge(byte[] input, Throwable thrown, long allocated) {
            if (thrown instanceof OutOfMemoryError) {
                return new Outcome("allocation blow-up: OutOfMemoryError on a " + input.length + "-byte input", thrown,
                        allocated, thrown, false);
            }
            if (thrown != null && allocated > maxAlloc) { // an accepted input may use what it declares and holds
                return new Outcome("allocation blow-up: " + (allocated >> 20) + " MB allocated for a " + input.length
                        + "-byte input (limit " + (maxAlloc >> 20) + " MB)", thrown, allocated, null, false);
            }
            if (thrown == null) {
                return new Outcome(null, null, allocated, null, false);
            }
            for (Class<? extends Throwable> type : documented) {
                if (type.isInstance(thrown)) {
                    String m = thrown.getMessage();
                    return m == null || m.isBlank()
                            ? new Outcome("documented error without a message", thrown, allocated, thrown, false)
                            : new Outcome(null, thrown, allocated, null, false);
                }
            }
            return new Outcome("undocumented " + thrown.getClass().getSimpleName(), thrown, allocated, thrown, false);
        }

        void close() {
            worker.shutdownNow();
        }
    }

    /** Bytes allocated so far by the calling thread, or -1 where the JVM does not count them (for regression tests). */
    public static long threadAllocatedBytes() {
        com.sun.management.ThreadMXBean t = allocationCounter();
        return t != null ? t.getCurrentThreadAllocatedBytes() : -1;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-worker");
            t.setDaemon(true);
            return t;
        });
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
            return t;
        }
        return null; // another JVM: the OutOfMemoryError check still applies
    }
}
