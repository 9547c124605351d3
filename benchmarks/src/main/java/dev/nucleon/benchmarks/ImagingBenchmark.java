package dev.nucleon.benchmarks;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.instance.InstanceSegmentation;
import dev.nucleon.segmentation.morphology.ConnectedComponents;
import dev.nucleon.segmentation.morphology.Connectivity;
import dev.nucleon.segmentation.morphology.DistanceTransform;
import dev.nucleon.segmentation.preprocess.Clahe;
import dev.nucleon.segmentation.preprocess.TotalVariationDenoising;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The imaging toolkit's hot paths on a 1024 × 1024 synthetic fluorescence-like image (≈ 600 bright,
 * partly touching disks of radius 6–14 on a dim, noisy background), single-threaded:
 * CLAHE (8×8 tiles, clip 2), TV denoising (Chambolle, weight 0.1, up to 200 iterations), EDT,
 * connected components (8-connectivity) and the full watershed split (EDT + h-maxima + flooding).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ImagingBenchmark -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ImagingBenchmark {
    static final int SIZE = 1024;

    FloatImage image;
    BinaryMask mask;
    FloatImage distance;
    InstanceSegmentation split;

    @Setup
    public void setup() {
        Random r = new Random(2018);
        float[] d = new float[SIZE * SIZE];
        boolean[] m = new boolean[SIZE * SIZE];
        for (int i = 0; i < d.length; i++) {
            d[i] = 0.05f + 0.03f * (float) r.nextGaussian();
        }
        for (int k = 0; k < 600; k++) {
            int cx = r.nextInt(SIZE), cy = r.nextInt(SIZE), rad = 6 + r.nextInt(9);
            float bright = 0.3f + 0.5f * r.nextFloat();
            for (int y = Math.max(0, cy - rad); y < Math.min(SIZE, cy + rad + 1); y++) {
                for (int x = Math.max(0, cx - rad); x < Math.min(SIZE, cx + rad + 1); x++) {
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad) {
                        d[y * SIZE + x] = bright + 0.03f * (float) r.nextGaussian();
                        m[y * SIZE + x] = true;
                    }
                }
            }
        }
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.max(0f, Math.min(1f, d[i]));
        }
        image = new FloatImage(SIZE, SIZE, 1, d);
        mask = new BinaryMask(SIZE, SIZE, m);
        distance = DistanceTransform.euclidean(mask);
        split = InstanceSegmentation.defaults().withMinObjectArea(0).withMaxHoleArea(0);
    }

    @Benchmark
    public FloatImage clahe() {
        return new Clahe().apply(image);
    }

    @Benchmark
    public FloatImage totalVariation() {
        return new TotalVariationDenoising().apply(image);
    }

    @Benchmark
    public FloatImage distanceTransform() {
        return DistanceTransform.euclidean(mask);
    }

    @Benchmark
    public LabelImage connectedComponents() {
        return ConnectedComponents.label(mask, Connectivity.EIGHT);
    }

    /** EDT + h-maxima markers + priority-flood watershed + relabel: the whole split of touching nuclei. */
    @Benchmark
    public LabelImage watershedSplit() {
        return split.split(mask);
    }
}
