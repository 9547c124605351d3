package dev.nucleon.spark;

import java.io.Serializable;

/**
 * One image of a job, as the driver hands it to a task.
 *
 * @param input the path as the user gave it: the {@code image} column of its measurements
 * @param uri   where the task reads it ({@code file:/…}, {@code hdfs://…}, …)
 * @param name  its output name under {@code --out} ({@link dev.nucleon.segmentation.output.OutputNames})
 */
record ImageTask(String input, String uri, String name) implements Serializable {
}
