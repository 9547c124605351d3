package dev.nucleon.segmentation.inference;

import dev.nucleon.segmentation.image.FloatImage;

import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Progress and cancellation of one {@link Predictor} call ({@link Predictor#segment(FloatImage, InferenceListener)
 * segment}, {@link Predictor#output(FloatImage, InferenceListener) output}): the
 * predictor reports each batch of tiles the network has run on, and asks before each batch whether to go on.
 *
 * <p><b>Progress.</b> {@link #tile(int, int)} is called after every batch with the tiles done so far and the
 * tiles the call is known to need. One call to {@code segment} runs one or two passes over the image: when the
 * model records its training nucleus size and {@link Predictor#diameter} is not given, a first pass at scale 1
 * estimates the nuclei's size, and a second pass on the rescaled image follows only when they are too large or
 * too small. The second pass's tiles are added to {@code total} when it starts, so {@code total} can grow once
 * during a call; {@code done} never decreases and ends equal to {@code total}. Flip test-time augmentation runs
 * each tile four times but counts it once.
 *
 * <p><b>Cancellation.</b> {@link #cancelled()} is polled before every batch of tiles and before the instance
 * step; once it answers true the call throws {@link CancellationException} and returns nothing. The predictor
 * writes no file and keeps no state between calls, so a cancelled call leaves nothing behind, and the
 * predictor can be used again at once (by this thread or any other).
 *
 * <p><b>Threads.</b> Both methods are called on the thread that called the predictor, in order, never
 * concurrently for one call. A listener shared by calls on several threads must be thread-safe itself; a
 * cancel flag set from another thread (a UI's Cancel button) should be {@code volatile} or atomic. Both methods
 * must return quickly: they run between batches, on the inference thread. An exception thrown by either ends
 * the call with that exception.
 *
 * <pre>
 * AtomicBoolean stop = new AtomicBoolean();
 * LabelImage labels = predictor.segment(image, InferenceListener.of(
 *         (done, total) -&gt; System.err.printf("\r%d/%d tiles", done, total), stop::get));
 * </pre>
 */
public interface InferenceListener {
    /** A listener that ignores progress and never cancels: a call with it runs as one without a listener. */
    InferenceListener NONE = new InferenceListener() {
    };

    /**
     * Called after each batch of tiles has run through the network.
     *
     * @param done  tiles finished so far in this call, 1 ≤ done ≤ total
     * @param total tiles this call is known to need so far (grows once if a rescaled second pass starts)
     */
    default void tile(int done, int total) {
    }

    /**
     * Polled before each batch of tiles and before the instance step.
     *
     * @return true to stop the call with a {@link CancellationException}
     */
    default boolean cancelled() {
        return false;
    }

    /**
     * A listener from two functions, for lambdas.
     *
     * @param progress  receives {@code (done, total)} after each batch; null: none
     * @param cancelled answers whether to stop; null: never
     * @return the listener
     */
    static InferenceListener of(BiConsumer<Integer, Integer> progress, BooleanSupplier cancelled) {
        return new InferenceListener() {
            @Override
            public void tile(int done, int total) {
                if (progress != null) {
                    progress.accept(done, total);
                }
            }

            @Override
            public boolean cancelled() {
                return cancelled != null && cancelled.getAsBoolean();
            }
        };
    }
}
