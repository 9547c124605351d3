package dev.nucleon.cuda;

import java.util.Locale;

/**
 * The two block tiles of {@code gemm_tiles.cuh} (shared by the matmul and convolution kernels), each
 * kernel existing once per tile with the suffix {@code _large} or {@code _small}, and the choice between
 * them. Host-side logic only: {@code LaunchShapeTest} covers it without a GPU.
 */
enum GemmTile {
    /** 128 × 128 outputs per block of 256 threads (8 × 8 per thread). */
    LARGE(128, 128, 256),
    /** 32 × 32 outputs per block of 64 threads (4 × 4 per thread). */
    SMALL(32, 32, 64);

    /**
     * Blocks a launch should have to keep the GPU busy: two per SM of a 132-SM H100 (a large-tile block
     * needs 128 registers × 256 threads, so two fit per SM), comfortably more than an A100's 108 SMs.
     */
    static final int FILL_BLOCKS = 264;
    /** Depth of one shared-memory stage (GEMM_BK): split-K slices start at multiples of it. */
    static final int DEPTH = 8;
    /** CUDA's limit on gridDim.y and gridDim.z. */
    static final int MAX_GRID_YZ = 65_535;

    final int rows;
    final int cols;
    final int threads;

    GemmTile(int rows, int cols, int threads) {
        this.rows = rows;
        this.cols = cols;
        this.threads = threads;
    }

    /** The kernel-name suffix: {@code large} or {@code small}. */
    String suffix() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Tiles covering an m × n product. */
    long blocks(long m, long n) {
        return ceilDiv(m, rows) * ceilDiv(n, cols);
    }

    /** Grid x over column tiles of n, y over row tiles of m, z = {@code z} (batch, groups or groups × slices). */
    Grid grid(long m, long n, int z) {
        long x = ceilDiv(n, cols);
        long y = ceilDiv(m, rows);
        if (x > Integer.MAX_VALUE || y > MAX_GRID_YZ) {
            throw new IllegalArgumentException("cuda gemm: a " + m + " × " + n + " product needs " + y + " × " + x
                    + " tiles of " + rows + " × " + cols + ", beyond CUDA's grid limits");
        }
        return new Grid((int) x, (int) y, z, threads, 1, 1, 0);
    }

    /**
     * The tile for an m × n product repeated {@code z} times, whose K may be cut into at most
     * {@code maxSlices} slices: the large tile when each dimension fills at least half of it (else most of
     * its FMAs would be padding) and there are enough large tiles to fill the GPU; the small one otherwise.
     */
    static GemmTile choose(long m, long n, long z, long maxSlices) {
        boolean fits = m >= LARGE.rows / 2 && n >= LARGE.cols / 2;
        return fits && LARGE.blocks(m, n) * z * maxSlices >= FILL_BLOCKS ? LARGE : SMALL;
    }

    /**
     * Split-K slices for a product of {@code blocks} tiles per slice (all groups) and depth {@code k}: enough
     * to reach {@link #FILL_BLOCKS}, but each slice at least {@code minSlice} deep and {@code z·slices}
     * within the grid limit. 1 when the tiles alone fill the GPU.
     */
    static int slices(long blocks, long k, int z, int minSlice) {
        long wanted = ceilDiv(FILL_BLOCKS, Math.max(1, blocks));
        long most = Math.min(Math.max(1, k / minSlice), MAX_GRID_YZ / z);
        return (int) Math.max(1, Math.min(wanted, most));
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
