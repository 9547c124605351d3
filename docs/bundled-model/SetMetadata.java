import dev.nucleon.nn.io.SafeTensors;
import dev.nucleon.nn.io.SafeTensorsFile;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies a model file with metadata entries added or replaced (tensors unchanged), e.g. the instance step's
 * thresholds a model should be decoded with:
 * {@code java -cp cli/target/nucleon.jar docs/bundled-model/SetMetadata.java IN OUT nucleon.coreThreshold=0.8}.
 * The output is written atomically (SafeTensors.write) and may not be the input.
 */
public class SetMetadata {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SetMetadata IN OUT KEY=VALUE...");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            System.err.println("SetMetadata: " + out + ": the output must be another file than the input");
            System.exit(2);
        }
        SafeTensorsFile file = SafeTensors.read(in);
        Map<String, String> meta = new LinkedHashMap<>(file.metadata());
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("SetMetadata: expected KEY=VALUE, got '" + args[i] + "'");
                System.exit(2);
            }
            meta.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        SafeTensors.write(out, file.tensors(), meta);
    }
}
