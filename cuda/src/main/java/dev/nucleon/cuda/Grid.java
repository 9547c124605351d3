package dev.nucleon.cuda;

/**
 * A launch shape: grid and block dimensions and the dynamic shared memory per block, in bytes.
 */
public record Grid(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {

    /** Threads per block for the memory-bound grid-stride kernels: 256 (8 warps) keeps every SM busy. */
    public static final int LINEAR_BLOCK = 256;

    /**
     * Enough blocks of {@link #LINEAR_BLOCK} threads for a grid-stride loop over {@code n} elements: one
     * thread per element up to a cap of 65,536 blocks (16.7 M threads, far more than any GPU runs at
     * once); past that each thread loops.
     */
    public static Grid linear(long n) {
        long blocks = Math.max(1, Math.min(65_536, (n + LINEAR_BLOCK - 1) / LINEAR_BLOCK));
        return new Grid((int) blocks, 1, 1, LINEAR_BLOCK, 1, 1, 0);
    }

    /** A 1-D grid of {@code blocks} blocks of {@code threads} threads. */
    public static Grid of(int blocks, int threads) {
        return new Grid(blocks, 1, 1, threads, 1, 1, 0);
    }

    public Grid withSharedBytes(int bytes) {
        return new Grid(gridX, gridY, gridZ, blockX, blockY, blockZ, bytes);
    }

    /**
     * Checks the shape against CUDA's limits. A compact constructor runs before the fields are assigned, so
     * the messages are built from the parameters ({@link #describe}), never from {@code this}.
     */
    public Grid {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1 || sharedBytes < 0) {
            throw new IllegalArgumentException("grid: every dimension must be >= 1 and shared memory >= 0, got "
                    + describe(gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes));
        }
        if (gridY > 65_535 || gridZ > 65_535 || (long) blockX * blockY * blockZ > 1024) {
            throw new IllegalArgumentException("grid: beyond CUDA's limits (grid y/z <= 65535, <= 1024 threads per block): "
                    + describe(gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes));
        }
    }

    /** "(gridX,gridY,gridZ)x(blockX,blockY,blockZ)" and "+NB" when there is dynamic shared memory. */
    private static String describe(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {
        return "(" + gridX + "," + gridY + "," + gridZ + ")x(" + blockX + "," + blockY + "," + blockZ + ")"
                + (sharedBytes > 0 ? "+" + sharedBytes + "B" : "");
    }

    @Override
    public String toString() {
        return describe(gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes);
    }
}
