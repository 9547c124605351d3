package dev.nucleon.core;

import java.util.Locale;

/**
 * Where a tensor's storage lives: {@code cpu}, or an accelerator such as {@code cuda:0}.
 *
 * @param type  backend name, lower case ({@code "cpu"}, {@code "cuda"}, {@code "opencl"})
 * @param index device ordinal within that backend (always 0 for the CPU)
 */
public record Device(String type, int index) {

    /** The CPU: the Java heap and the pure-Java backend. */
    public static final Device CPU = new Device("cpu", 0);

    /**
     * Checks the index.
     *
     * @param type  backend name, lower case
     * @param index device ordinal within that backend, ≥ 0
     * @throws IllegalArgumentException when the index is negative
     */
    public Device {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("device: type must not be empty");
        }
        type = type.toLowerCase(Locale.ROOT);
        if (index < 0) {
            throw new IllegalArgumentException("device: index must be >= 0, got " + index);
        }
    }

    /**
     * Parses {@code "cpu"}, {@code "cuda"} or {@code "cuda:1"}.
     *
     * @param text e.g. {@code cpu}, {@code cuda} or {@code cuda:1}
     * @return the device
     * @throws IllegalArgumentException when the index is not a non-negative number
     */
    public static Device parse(String text) {
        String s = text.trim();
        int colon = s.indexOf(':');
        if (colon < 0) {
            return s.equalsIgnoreCase("cpu") ? CPU : new Device(s, 0);
        }
        try {
            return new Device(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device: expected TYPE or TYPE:INDEX (e.g. cuda:0), got '" + text + "'");
        }
    }

    /** {@return whether this is the CPU} */
    public boolean isCpu() {
        return type.equals("cpu");
    }

    @Override
    public String toString() {
        return isCpu() ? "cpu" : type + ":" + index;
    }
}
