package dev.nucleon.segmentation.networks;

import java.util.LinkedHashMap;
import java.util.Map;

/** Paper 003's Tables 1–2 as (H, W, C) per stage for a square input of the given size (the paper: 256). */
final class ResFcnTables {

    private ResFcnTables() {
    }

    static Map<String, int[]> shapes(int size) {
        int s = size;
        Map<String, int[]> t = new LinkedHashMap<>();
        t.put("stage1.conv", new int[] {s / 2, s / 2, 64}); // 7×7 conv: 128, 128, 64
        t.put("stage1.pool", new int[] {s / 4, s / 4, 64}); // 3×3 max-pool: 64, 64, 64
        t.put("stage2", new int[] {s / 4, s / 4, 64});
        t.put("stage3", new int[] {s / 8, s / 8, 128});
        t.put("stage4", new int[] {s / 16, s / 16, 256});
        t.put("stage5", new int[] {s / 32, s / 32, 512}); // encoder output 8, 8, 512
        t.put("stage6.up", new int[] {s / 16, s / 16, 256}); // transposed conv 256, at stage 4's resolution
        t.put("stage7", new int[] {s / 16, s / 16, 256});
        t.put("stage7.up", new int[] {s / 8, s / 8, 128});
        t.put("stage8", new int[] {s / 8, s / 8, 128});
        t.put("stage8.up", new int[] {s / 4, s / 4, 64});
        t.put("stage9", new int[] {s / 4, s / 4, 64});
        t.put("stage9.up", new int[] {s / 2, s / 2, 64});
        t.put("stage10", new int[] {s / 2, s / 2, 64});
        t.put("output", new int[] {s / 2, s / 2, 2}); // 128, 128, 2
        return t;
    }
}
