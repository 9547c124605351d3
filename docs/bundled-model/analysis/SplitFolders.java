import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.GroupedSplit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the grouped split of a DSB2018 folder (the trainer's default: fraction 0.2, split seed 2018) as folders of
 * symbolic links, one per part and one per part and kind, e.g. {@code OUT/train/}, {@code OUT/val/},
 * {@code OUT/train-colour/}; and {@code OUT/split.csv}. The analysis harnesses and kind-restricted runs read them.
 *
 * <pre>
 * javac -cp cli/target/nucleon.jar -d /tmp/analysis docs/bundled-model/analysis/*.java
 * java -cp cli/target/nucleon.jar:/tmp/analysis SplitFolders ../shared/datasets/dsb2018/stage1_train_fixed /work/runs/split
 * </pre>
 */
public final class SplitFolders {
    public static void main(String[] args) throws Exception {
        Dsb2018Dataset data = Dsb2018Dataset.open(Path.of(args[0]));
        Path out = Path.of(args[1]);
        GroupedSplit split = GroupedSplit.of(data.samples(), 0.2, 2018, 2);
        Files.createDirectories(out);
        Files.writeString(out.resolve("split.csv"), split.toCsv());
        for (GroupedSplit.Entry e : split.entries()) {
            String part = e.validation() ? "val" : "train";
            for (String folder : new String[] {part, part + "-" + e.kind().label()}) {
                Path dir = out.resolve(folder);
                Files.createDirectories(dir);
                Path link = dir.resolve(e.sample().id());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, e.sample().imageFile().getParent().toAbsolutePath());
                }
            }
        }
        System.out.println(split.train().size() + " training, " + split.validation().size() + " validation images");
    }
}
