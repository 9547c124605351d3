package dev.nucleon.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How to rebuild a network: the name of a {@link ModelBuilder} in the {@link ModelRegistry} and its
 * arguments as text ({@code "unet"}, {@code {base: "16", depth: "5", batch_norm: "true"}}). A saved model
 * stores it in its safetensors metadata under {@code nucleon.config}, so loading needs nothing but the file.
 * It is the project's one model-configuration vocabulary: segmentation's presets are builder names and their
 * options are these arguments ({@code Presets.config("unet-plus", Map.of("base", 8, "up", "us"))}).
 *
 * <p>Arguments are strings so the configuration survives any file format unchanged; the typed getters parse
 * them and say which argument of which builder was wrong.
 */
public record ModelConfig(String builder, Map<String, String> args) {

    /**
     * A configuration; the arguments are copied.
     *
     * @param builder the {@link ModelBuilder} name, non-empty
     * @param args    the arguments as text, by name
     * @throws IllegalArgumentException when the builder name is empty
     */
    public ModelConfig {
        Objects.requireNonNull(builder, "builder");
        if (builder.isBlank()) {
            throw new IllegalArgumentException("model config: builder name must not be empty");
        }
        args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    /**
     * {@return a configuration from alternating keys and values: {@code of("tiny-cnn", "channels", 4, "dropout", 0.1)}}
     *
     * @param builder       the {@link ModelBuilder} name
     * @param keysAndValues key, value, key, value…; values are turned into text with {@code String.valueOf}
     * @throws IllegalArgumentException when keys and values do not alternate
     */
    public static ModelConfig of(String builder, Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("model config '" + builder + "': keys and values must alternate, got "
                    + keysAndValues.length + " items");
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            args.put(String.valueOf(keysAndValues[i]), String.valueOf(keysAndValues[i + 1]));
        }
        return new ModelConfig(builder, args);
    }

    /**
     * {@return this configuration with one argument added or replaced}
     *
     * @param key   the argument name
     * @param value its value (as text)
     */
    public ModelConfig with(String key, Object value) {
        Map<String, String> a = new LinkedHashMap<>(args);
        a.put(key, String.valueOf(value));
        return new ModelConfig(builder, a);
    }

    /**
     * {@return an argument's text}
     *
     * @param key the argument name
     * @throws IllegalArgumentException when the argument is missing or does not parse (naming the builder and key)
     */
    public String getString(String key) {
        String v = args.get(key);
        if (v == null) {
            throw new IllegalArgumentException("model config '" + builder + "': missing argument '" + key + "' (has "
                    + args.keySet() + ")");
        }
        return v;
    }

    /**
     * {@return an argument's text, or the default}
     *
     * @param key the argument name
     * @param defaultValue returned when the argument is absent
     */
    public String getString(String key, String defaultValue) {
        return args.getOrDefault(key, defaultValue);
    }

    /**
     * {@return an integer argument}
     *
     * @param key the argument name
     * @throws IllegalArgumentException when the argument is missing or does not parse (naming the builder and key)
     */
    public int getInt(String key) {
        String v = getString(key);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw bad(key, v, "an integer");
        }
    }

    /**
     * {@return an integer argument, or the default}
     *
     * @param key the argument name
     * @param defaultValue returned when the argument is absent
     * @throws IllegalArgumentException when present but not an integer
     */
    public int getInt(String key, int defaultValue) {
        return args.containsKey(key) ? getInt(key) : defaultValue;
    }

    /**
     * {@return a number argument}
     *
     * @param key the argument name
     * @throws IllegalArgumentException when the argument is missing or does not parse (naming the builder and key)
     */
    public double getDouble(String key) {
        String v = getString(key);
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw bad(key, v, "a number");
        }
    }

    /**
     * {@return a number argument, or the default}
     *
     * @param key the argument name
     * @param defaultValue returned when the argument is absent
     * @throws IllegalArgumentException when present but not a number
     */
    public double getDouble(String key, double defaultValue) {
        return args.containsKey(key) ? getDouble(key) : defaultValue;
    }

    /**
     * {@return a true/false argument}
     *
     * @param key the argument name
     * @throws IllegalArgumentException when the argument is missing or does not parse (naming the builder and key)
     */
    public boolean getBoolean(String key) {
        String v = getString(key).trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
            return v.equals("true");
        }
        throw bad(key, v, "true or false");
    }

    /**
     * {@return a true/false argument, or the default}
     *
     * @param key the argument name
     * @param defaultValue returned when the argument is absent
     * @throws IllegalArgumentException when present but not true or false
     */
    public boolean getBoolean(String key, boolean defaultValue) {
        return args.containsKey(key) ? getBoolean(key) : defaultValue;
    }

    private IllegalArgumentException bad(String key, String value, String expected) {
        return new IllegalArgumentException("model config '" + builder + "': argument '" + key + "' = '" + value
                + "' is not " + expected);
    }
}
