package dev.nucleon.core.testing.fuzz;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fuzzer itself: planted bugs of each kind are found, written out and replayable; inputs follow from the seed. */
class MutationFuzzerTest {

    private static final byte[] ITEM = "ImageId,EncodedPixels\nabc,1 3 10 2\n".getBytes(StandardCharsets.US_ASCII);

    private static MutationFuzzer fuzzer(String name) {
        return MutationFuzzer.target(name).corpus("item", ITEM).expect(IllegalArgumentException.class).iterations(2000);
    }

    /** A reader that refuses short inputs properly but has a planted bug. */
    private static void reader(byte[] in, Runnable bug) {
        if (in.length < ITEM.length - 8) {
            bug.run();
        }
        if (!java.util.Arrays.equals(in, ITEM)) {
            throw new IllegalArgumentException("not the item");
        }
    }

    @Test
    void documentedRefusalsPass() {
        fuzzer("self-ok").run(in -> reader(in, () -> {
            throw new IllegalArgumentException("too short");
        }));
    }

    @Test
    void undocumentedExceptionFailsAndItsShrunkInputIsWrittenForReplay() throws Exception {
        AssertionError e = assertThrows(AssertionError.class, () -> fuzzer("self-crash").run(in -> reader(in, () -> {
            throw new IndexOutOfBoundsException("planted");
        })));
        String m = e.getMessage();
        assertTrue(m.contains("undocumented IndexOutOfBoundsException") && m.contains("-Dnucleon.fuzz.seed=")
                && m.contains("-Dnucleon.fuzz.iteration="), m);
        Matcher file = Pattern.compile("input: (\\S+\\.bin)").matcher(m);
        assertTrue(file.find(), m);
        byte[] crash = Files.readAllBytes(Path.of(file.group(1)));
        byte[] small = Files.readAllBytes(Path.of(file.group(1).replace(".bin", ".min.bin")));
        assertTrue(crash.length < ITEM.length - 8, "the written input is the crashing one");
        assertEquals(0, small.length, "chunks are removed while it still fails: down to the empty input");
        assertTrue(Files.readString(Path.of(file.group(1).replace(".bin", ".txt"))).contains("planted"));
    }

    @Test
    void documentedTypeWithoutMessageFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> fuzzer("self-nomessage").run(in -> reader(in, () -> {
            throw new IllegalArgumentException();
        })));
        assertTrue(e.getMessage().contains("without a message"), e.getMessage());
    }

    @Test
    void hangFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> fuzzer("self-hang").timeoutSeconds(0.3)
                .run(in -> reader(in, () -> {
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                })));
        assertTrue(e.getMessage().contains("hang"), e.getMessage());
    }

    @Test
    void allocationBeyondTheLimitFailsEvenWhenTheInputIsThenRefused() {
        AssertionError e = assertThrows(AssertionError.class, () -> fuzzer("self-alloc").maxAllocMb(4).iterations(300)
                .run(in -> reader(in, () -> {
                    byte[] claimed = new byte[8 << 20];
                    throw new IllegalArgumentException("refused after allocating " + claimed.length);
                })));
        assertTrue(e.getMessage().contains("allocation blow-up"), e.getMessage());
    }

    @Test
    void outOfMemoryErrorFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> fuzzer("self-oom").run(in -> reader(in, () -> {
            throw new OutOfMemoryError("Java heap space");
        })));
        assertTrue(e.getMessage().contains("OutOfMemoryError"), e.getMessage());
    }

    @Test
    void aRefusedCorpusItemFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> MutationFuzzer.target("self-corpus")
                .corpus("bad", new byte[] {1}).expect(IllegalArgumentException.class).iterations(1)
                .run(in -> {
                    throw new IllegalArgumentException("refused");
                }));
        assertTrue(e.getMessage().contains("valid corpus item bad refused"), e.getMessage());
    }

    @Test
    void inputsFollowFromSeedAndIteration() {
        MutationFuzzer a = fuzzer("self-seed"), b = fuzzer("self-seed");
        assertArrayEquals(ITEM, a.input(7, 0), "iteration 0 is the corpus item itself");
        int differ = 0;
        for (long i = 1; i < 200; i++) {
            assertArrayEquals(a.input(7, i), b.input(7, i));
            differ += java.util.Arrays.equals(a.input(7, i), a.input(8, i)) ? 0 : 1;
        }
        assertTrue(differ > 150, "another seed gives other inputs: " + differ + " of 199 differ");
        assertFalse(java.util.Arrays.equals(a.input(7, 1), a.input(7, 2)));
    }
}
