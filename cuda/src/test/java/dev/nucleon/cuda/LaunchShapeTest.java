package dev.nucleon.cuda;

import org.junit.jupiter.api.Test;

import static dev.nucleon.cuda.Kernel.Param.F32;
import static dev.nucleon.cuda.Kernel.Param.I32;
import static dev.nucleon.cuda.Kernel.Param.I64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Launch shapes, size classes and argument checking: host-side logic that needs no GPU. */
class LaunchShapeTest {

    @Test
    void linearGridCoversTheWorkAndCapsTheBlockCount() {
        assertEquals(1, Grid.linear(1).gridX());
        assertEquals(1, Grid.linear(256).gridX());
        assertEquals(2, Grid.linear(257).gridX());
        assertEquals(65_536, Grid.linear(1L << 40).gridX());
        assertEquals(Grid.LINEAR_BLOCK, Grid.linear(10).blockX());
    }

    @Test
    void gridsBeyondCudaLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Grid(1, 1, 1, 1025, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Grid(1, 70_000, 1, 32, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Grid(0, 1, 1, 32, 1, 1, 0));
    }

    @Test
    void aRefusedGridNamesItsOwnDimensionsNotZeros() {
        IllegalArgumentException tall = assertThrows(IllegalArgumentException.class, () -> new Grid(3, 70_000, 2, 32, 4, 1, 96));
        assertTrue(tall.getMessage().endsWith("(3,70000,2)x(32,4,1)+96B"), tall.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> new Grid(0, 5, 1, 64, 1, 1, 0));
        assertTrue(empty.getMessage().endsWith("got (0,5,1)x(64,1,1)"), empty.getMessage());
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class, () -> new Grid(1, 1, 1, 1025, 1, 1, 0));
        assertTrue(wide.getMessage().contains("(1,1,1)x(1025,1,1)"), wide.getMessage());
        assertEquals("(7,1,1)x(256,1,1)+128B", Grid.of(7, 256).withSharedBytes(128).toString());
    }

    @Test
    void sizeClassesRoundUpWithoutWastingMoreThanAGranule() {
        assertEquals(512, DeviceMemoryPool.roundUp(1));
        assertEquals(512, DeviceMemoryPool.roundUp(512));
        assertEquals(1024, DeviceMemoryPool.roundUp(513));
        assertEquals(2L << 20, DeviceMemoryPool.roundUp((1L << 20) + 1));
        assertEquals(4L << 20, DeviceMemoryPool.roundUp((2L << 20) + 1));
        for (long b = 1; b < (64L << 20); b = b * 3 + 7) {
            long r = DeviceMemoryPool.roundUp(b);
            assertTrue(r >= b && r - b < (2L << 20), b + " -> " + r);
            assertEquals(r, DeviceMemoryPool.roundUp(r), "a size class is its own class");
        }
    }

    @Test
    void argumentsAreCheckedAgainstTheDeclaration() {
        Kernel k = Kernel.of("test", "k", I32, F32, I64, Kernel.Param.struct(3));
        assertEquals("k u32 f32 u64 b8[12]", k.signature());
        k.marshal(1, 2f, 3L, new int[] {1, 2, 3});
        k.marshal(1, 2f, 3, new int[] {1, 2, 3}); // an int widens to a 64-bit parameter
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> k.marshal(1, 2f));
        assertTrue(count.getMessage().contains("4 arguments expected, got 2"), count.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> k.marshal(1, 2.0, 3L, new int[3]));
        assertTrue(type.getMessage().contains("argument 1 must be a float, got Double"), type.getMessage());
        IllegalArgumentException struct = assertThrows(IllegalArgumentException.class, () -> k.marshal(1, 2f, 3L, new int[2]));
        assertTrue(struct.getMessage().contains("argument 3 must be an int[3], got int[2]"), struct.getMessage());
    }

    /** Issue 19, CUDA item 4: tall products are launched in row slices, so gridDim.y never passes 65,535. */
    @Test
    void tallMatmulsAreSlicedSoGridYStaysWithinTheLimit() {
        // 10 M rows with the large tile: 78,125 row tiles, more than one grid holds
        int m = 10_000_000;
        java.util.List<GemmOps.Launch> launches = GemmOps.launches(GemmTile.LARGE, 1, m, GemmTile.MAX_GRID_YZ);
        assertEquals(java.util.List.of(new GemmOps.Launch(0, 1, 0, 65_535 * 128), new GemmOps.Launch(0, 1, 65_535 * 128, m - 65_535 * 128)),
                launches);
        long covered = 0;
        for (GemmOps.Launch l : launches) {
            assertEquals(covered, l.firstRow(), "slices are contiguous");
            assertEquals(0, l.firstRow() % GemmTile.LARGE.rows, "each slice starts on a tile boundary");
            Grid g = GemmTile.LARGE.grid(l.rows(), 64, l.batches());
            assertTrue(g.gridY() <= 65_535, g.toString());
            covered += l.rows();
        }
        assertEquals(m, covered);
        // the small tile (32 rows) slices sooner: 2.1 M rows per launch
        assertEquals(5, GemmOps.launches(GemmTile.SMALL, 1, m, GemmTile.MAX_GRID_YZ).size());
        // a product that fits is one launch; a long batch of tall products is sliced both ways
        assertEquals(java.util.List.of(new GemmOps.Launch(0, 3, 0, 4096)), GemmOps.launches(GemmTile.LARGE, 3, 4096, GemmTile.MAX_GRID_YZ));
        java.util.List<GemmOps.Launch> both = GemmOps.launches(GemmTile.SMALL, 5, 100, 2); // ≤ 2 tiles, ≤ 2 matrices per launch
        assertEquals(6, both.size(), both.toString());
        assertEquals(new GemmOps.Launch(4, 1, 64, 36), both.get(5));
        // without slicing the grid itself refuses, naming the numbers
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmTile.LARGE.grid(m, 64, 1));
        assertTrue(e.getMessage().contains("78125"), e.getMessage());
    }
}
