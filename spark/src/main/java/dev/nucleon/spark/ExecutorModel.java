package dev.nucleon.spark;

import dev.nucleon.segmentation.inference.Predictor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;

/**
 * The model of an executor JVM: loaded the first time a task of this JVM asks for it, then shared by every task the
 * JVM runs, concurrently ({@link Predictor} is safe to share between threads). Keyed by the job's
 * {@link JobSettings} (model file and the options set on the predictor), so two jobs with different options in one
 * JVM (tests, a notebook) never see each other's settings.
 *
 * <p>Threads per task: the CPU backend sizes its thread team once per JVM from {@code -Dnucleon.threads}. When that
 * property is unset, the first load sets it to the task's CPUs ({@code spark.task.cpus}, 1 by default): an executor
 * with C cores then runs C/{@code spark.task.cpus} tasks at once with {@code spark.task.cpus} threads each, and never
 * oversubscribes its cores. Give {@code spark.task.cpus} = the executor's cores for one image at a time on all
 * cores (a big image), 1 for one image per core (many small ones, the faster choice).
 */
final class ExecutorModel {
    private static final ConcurrentMap<JobSettings, Predictor> MODELS = new ConcurrentHashMap<>();

    private ExecutorModel() {
    }

    /**
     * The predictor for {@code settings}, loaded on the first call in this JVM.
     *
     * @throws IOException when the model file cannot be read
     */
    static Predictor get(JobSettings settings) throws IOException {
        Predictor p = MODELS.get(settings);
        if (p != null) {
            return p;
        }
        synchronized (MODELS) {
            p = MODELS.get(settings);
            if (p == null) {
                TaskContext task = TaskContext.get();
                if (System.getProperty("nucleon.threads") == null && task != null) {
                    System.setProperty("nucleon.threads", Integer.toString(Math.max(1, task.cpus())));
                }
                Path file = settings.model() == null ? null : Path.of(SparkFiles.get(settings.model()));
                p = settings.newPredictor(file);
                MODELS.put(settings, p);
            }
            return p;
        }
    }

    /** {@return how many models this JVM holds} (tests: one per distinct settings, whatever the task count) */
    static int loaded() {
        return MODELS.size();
    }
}
