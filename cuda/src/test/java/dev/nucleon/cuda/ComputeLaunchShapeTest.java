package dev.nucleon.cuda;

import dev.nucleon.core.backend.ConvGeometry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host-side launch logic of the compute families (tile choice, split-K, grids, kernel lookup): no GPU needed. */
class ComputeLaunchShapeTest {

    @Test
    void largeTilesOnlyForProductsThatFillTheGpuWithThem() {
        assertSame(GemmTile.SMALL, GemmTile.choose(2048, 2048, 1, 1));               // 256 large tiles: just short
        assertSame(GemmTile.LARGE, GemmTile.choose(2304, 2048, 1, 1));               // 288
        assertSame(GemmTile.SMALL, GemmTile.choose(1024, 1024, 1, 1));               // 64 large tiles: too few
        assertSame(GemmTile.LARGE, GemmTile.choose(64, 8 * 256 * 256, 1, 1));        // U-Net first layer: 4,096 tiles
        assertSame(GemmTile.SMALL, GemmTile.choose(512, 8 * 16 * 16, 1, 1));         // deep layer: 64 large tiles
        assertSame(GemmTile.SMALL, GemmTile.choose(16, 1 << 20, 1, 1));              // m below half a tile
        assertSame(GemmTile.LARGE, GemmTile.choose(512, 4608, 1, 100));              // split-K makes up the blocks
        assertSame(GemmTile.LARGE, GemmTile.choose(128, 128, 300, 1));               // a big batch
    }

    @Test
    void gridsCoverTheProduct() {
        Grid g = GemmTile.LARGE.grid(129, 257, 3);
        assertEquals(3, g.gridX());
        assertEquals(2, g.gridY());
        assertEquals(3, g.gridZ());
        assertEquals(256, g.blockX());
        Grid s = GemmTile.SMALL.grid(1, 1, 1);
        assertEquals(1, s.gridX());
        assertEquals(64, s.blockX());
        assertThrows(IllegalArgumentException.class, () -> GemmTile.SMALL.grid(32L * 65_536, 1, 1));
    }

    @Test
    void splitKFillsTheGpuWithinLimits() {
        assertEquals(1, GemmTile.slices(GemmTile.FILL_BLOCKS, 1 << 20, 1, ConvOps.MIN_SLICE));
        assertEquals(GemmTile.FILL_BLOCKS, GemmTile.slices(1, 1 << 20, 1, ConvOps.MIN_SLICE));
        assertEquals(2, GemmTile.slices(1, 2 * ConvOps.MIN_SLICE + 1, 1, ConvOps.MIN_SLICE)); // each slice ≥ MIN_SLICE
        assertEquals(1, GemmTile.slices(1, 10, 1, ConvOps.MIN_SLICE));
        assertEquals(2, GemmTile.slices(1, 1 << 20, 30_000, ConvOps.MIN_SLICE));            // groups × slices ≤ 65,535
    }

    @Test
    void kernelsAreLookedUpByTileAndTransposes() {
        assertEquals("sgemm_large_nn", GemmOps.sgemm(GemmTile.LARGE, false, false).name());
        assertEquals("sgemm_large_nt", GemmOps.sgemm(GemmTile.LARGE, false, true).name());
        assertEquals("sgemm_small_tn", GemmOps.sgemm(GemmTile.SMALL, true, false).name());
        assertEquals("sgemm_small_tt", GemmOps.sgemm(GemmTile.SMALL, true, true).name());
        assertEquals(8, GemmOps.KERNELS.size());
        assertEquals(7, ConvOps.KERNELS.size());
        assertTrue(ConvOps.KERNELS.stream().allMatch(k -> k.family().equals("conv")));
    }

    @Test
    void convShapeFollowsTheStructOrder() {
        ConvGeometry g = new ConvGeometry(2, 6, 10, 9, 4, 2, 3, 2, 1, 0, 1, 1, 2, 2);
        assertEquals(java.util.List.of(2, 6, 10, 9, 4, 2, 3, 2, 1, 0, 1, 1, 2, 2, g.outHeight(), g.outWidth()),
                java.util.Arrays.stream(ConvOps.shape(g)).boxed().toList());
    }

    @Test
    void batchNormGridsCoverChannelsAndPlanes() {
        assertEquals(64, NormalizationOps.perChannel(64).gridX());
        assertEquals(65_536, NormalizationOps.perChannel(100_000).gridX());
        Grid tiny = NormalizationOps.perPlane(64, 4, 1);
        assertEquals(32, tiny.blockX());
        assertEquals(256, tiny.gridY());
        Grid big = NormalizationOps.perPlane(8, 64, 256 * 256);
        assertEquals(256, big.blockX());
        assertEquals(256, big.gridX());
        assertEquals(512, big.gridY());
        assertEquals(GemmTile.MAX_GRID_YZ, NormalizationOps.perPlane(1000, 1000, 4).gridY());
    }
}
