package io.longview.kernels;

/**
 * The one layout of a user's token vectors for the fused nearest-neighbour scan ({@link VectorKernels#nearestScan}):
 * tokens in tiles of {@link #TILE}, each tile transposed so that one dimension of 16 consecutive tokens is contiguous.
 *
 * <pre>
 * packed[(tile · dim + d) · 16 + j] = units[(16 · tile + j) · dim + d]      tile ∈ [0, tiles(rows)), j ∈ [0, 16)
 * tokens 16 · tile + j ≥ rows are padding: zeros, never selected
 * </pre>
 * No other code computes these offsets.
 */
public final class TokenTiles {
    /** Tokens per tile: two 256-bit vectors of floats. */
    public static final int TILE = 16;

    private TokenTiles() {
    }

    /** Number of tiles for {@code rows} tokens. */
    public static int tiles(int rows) {
        return (rows + TILE - 1) / TILE;
    }

    /** Floats needed for {@code rows} tokens of {@code dim} values, padding included. */
    public static int length(int rows, int dim) {
        return tiles(rows) * TILE * dim;
    }

    /** The position of (token, d) in the packed array. */
    public static int offset(int token, int d, int dim) {
        return ((token / TILE) * dim + d) * TILE + token % TILE;
    }

    /**
     * Packs {@code count ≤ 16} row-major token vectors {@code units[uOff ..]} as tile {@code tile} of {@code packed},
     * zero-filling the lanes from {@code count} on.
     */
    public static void packTile(float[] units, int uOff, int count, int dim, float[] packed, int tile) {
        if (count < 0 || count > TILE) {
            throw new IllegalArgumentException("a tile holds 0.." + TILE + " tokens, got " + count);
        }
        int base = tile * dim * TILE;
        for (int d = 0; d < dim; d++) {
            int o = base + d * TILE;
            for (int j = 0; j < count; j++) {
                packed[o + j] = units[uOff + j * dim + d];
            }
            for (int j = count; j < TILE; j++) {
                packed[o + j] = 0f;
            }
        }
    }

    /** Packs {@code rows} row-major token vectors {@code units[uOff ..]} into {@code packed} (from index 0). */
    public static void pack(float[] units, int uOff, int rows, int dim, float[] packed) {
        if (packed.length < length(rows, dim)) {
            throw new IllegalArgumentException("packed has " + packed.length + " values, expected at least " + length(rows, dim));
        }
        for (int t = 0, tiles = tiles(rows); t < tiles; t++) {
            packTile(units, uOff + t * TILE * dim, Math.min(TILE, rows - t * TILE), dim, packed, t);
        }
    }
}
