package dev.nucleon.examples;

import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.segmentation.dataset.DatasetSplit;
import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.networks.Presets;
import dev.nucleon.segmentation.train.Trainer;
import dev.nucleon.segmentation.train.TrainerConfig;

import java.nio.file.Path;
import java.util.Map;

/**
 * Trains a small U-Net with batch norm (base 8, one input channel) on a few images in DSB2018 layout
 * ({@code <id>/image.png + labels.png}, e.g. the repository's {@code samples/}), validating on a seeded
 * quarter of them, then segments the first validation image with the best model.
 *
 * <pre>java -cp ... dev.nucleon.examples.TrainSmallUNet samples small-unet.safetensors</pre>
 */
public final class TrainSmallUNet {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "samples");
        Path out = Path.of(args.length > 1 ? args[1] : "small-unet.safetensors");

        DatasetSplit<NucleiSample> split = Dsb2018Dataset.open(data).split(0.25, 2018);
        Initializers.manualSeed(2018);
        Module net = Presets.build("unet-bn", Map.of("base", 8, "in_channels", 1));

        // a toy run (about a minute on 2 cores): 16 random 128x128 patches per image per epoch, 10 epochs;
        // the bundled model's recipe is in the README (nucleon train on all of stage1_train)
        TrainerConfig config = TrainerConfig.defaults().withEpochs(10).withBatch(4, 128).withPatchesPerImage(16);
        // overwrite: a toy run may start over at the same path (nucleon train refuses that without --overwrite)
        Trainer.Result result = new Trainer(config, System.out).overwrite(true)
                .fit(net, split.train(), split.validation(), out);
        System.out.printf("best validation score %.3f at epoch %d; model in %s%n", result.bestScore(),
                result.bestEpoch(), out);

        NucleiSample first = split.validation().get(0);
        int found = Predictor.load(out).segment(first.readImage()).countLabels();
        System.out.printf("%s: %d nuclei found, %d in the truth%n", first.id(), found, first.readLabels().countLabels());
    }
}
