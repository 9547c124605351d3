package dev.nucleon.segmentation.morphology;

/**
 * Pixel adjacency: {@link #FOUR} = edge neighbours (N, S, E, W); {@link #EIGHT} = edge and corner
 * neighbours. scikit-image's {@code connectivity=1} is FOUR, {@code connectivity=2} is EIGHT.
 */
public enum Connectivity {
    /** Edge neighbours only: N, S, E, W. */
    FOUR,
    /** Edge and corner neighbours. */
    EIGHT;

    /** {@return neighbour offsets {dx, dy}} */
    public int[][] offsets() {
        return this == FOUR
                ? new int[][] {{-1, 0}, {1, 0}, {0, -1}, {0, 1}}
                : new int[][] {{-1, -1}, {0, -1}, {1, -1}, {-1, 0}, {1, 0}, {-1, 1}, {0, 1}, {1, 1}};
    }
}
