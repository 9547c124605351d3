package dev.nucleon.nn;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Builder name → {@link ModelBuilder}: how a saved model's {@link ModelConfig} becomes a network again.
 * Builders come from {@link #register} calls and from {@link ServiceLoader} ({@code ModelBuilder} services on
 * the class path, loaded on first use); an explicit registration wins over a service of the same name.
 */
public final class ModelRegistry {

    private static final Map<String, ModelBuilder> REGISTERED = new ConcurrentHashMap<>();
    private static volatile Map<String, ModelBuilder> discovered;

    private ModelRegistry() {
    }

    /**
     * Registers (or replaces) a builder under its name.
     *
     * @param builder the builder
     */
    public static void register(ModelBuilder builder) {
        REGISTERED.put(builder.name(), builder);
    }

    /**
     * Registers a factory function under {@code name}.
     *
     * @param name    the builder name
     * @param factory builds a network from a configuration
     */
    public static void register(String name, Function<ModelConfig, Module> factory) {
        register(new ModelBuilder() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Module build(ModelConfig config) {
                return factory.apply(config);
            }
        });
    }

    /** {@return every known builder name, sorted} */
    public static TreeSet<String> names() {
        TreeSet<String> names = new TreeSet<>(services().keySet());
        names.addAll(REGISTERED.keySet());
        return names;
    }

    /**
     * Builds the network {@code config} describes and attaches the configuration to it.
     *
     * @param config the configuration
     * @return the network, its configuration attached
     * @throws IllegalArgumentException when no builder has that name
     */
    public static Module build(ModelConfig config) {
        ModelBuilder builder = REGISTERED.get(config.builder());
        if (builder == null) {
            builder = services().get(config.builder());
        }
        if (builder == null) {
            throw new IllegalArgumentException("model registry: no builder named '" + config.builder() + "' (known: "
                    + names() + "); register one with ModelRegistry.register or a ModelBuilder service");
        }
        Module m = builder.build(config);
        if (m == null) {
            throw new IllegalStateException("model registry: builder '" + config.builder() + "' returned no network");
        }
        return m.withConfig(config);
    }

    private static Map<String, ModelBuilder> services() {
        Map<String, ModelBuilder> d = discovered;
        if (d == null) {
            d = new TreeMap<>();
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            for (ModelBuilder b : ServiceLoader.load(ModelBuilder.class,
                    loader != null ? loader : ModelRegistry.class.getClassLoader())) {
                d.putIfAbsent(b.name(), b);
            }
            discovered = d;
        }
        return d;
    }
}
