package io.longview.kernels;

/**
 * The per-candidate state of the fused nearest-neighbour scan, shared by both {@link KernelSupport} implementations:
 * for candidate {@code c} a buffer {@code buffers[c · cap .. c · cap + counts[c])} of keys and a threshold
 * {@code thresholds[c]}.
 *
 * <p>A key packs (score, index) into one long whose signed order is the selection's order: higher score first, then
 * the smaller index. Within one sequence the smaller newest-first index is never older, so this is exactly core's
 * {@code CandidateSelector} rule (ties to the newer token, then to the smaller index); −0 counts as +0.
 *
 * <p>The scan visits tokens in index order. A token enters a buffer only when its score is strictly above the
 * threshold: once a buffer has been compacted to its K best, the threshold is the K-th best score, and a later token
 * with an equal score loses to all K on the index. A full buffer is compacted by quickselect (no allocation), so the
 * cost per token that passes the filter is O(1) amortized. Static methods over arrays only, so that vector kernels can
 * call them without boxing.
 */
final class NearestBuffers {
    private NearestBuffers() {
    }

    static long key(float score, int index) {
        return ((long) TopKHeap.sortableKey(score + 0f) << 32) | (~index & 0xFFFF_FFFFL);
    }

    static int indexOf(long key) {
        return ~(int) key;
    }

    static float scoreOf(long key) {
        return TopKHeap.fromSortableKey((int) (key >> 32));
    }

    /**
     * Offers the scores {@code tileScores[tOff .. tOff+16)} of tokens {@code base .. base+16} (those below {@code rows})
     * to candidate {@code c}.
     */
    static void appendTile(float[] tileScores, int tOff, int base, int rows, int c, int k, float[] thresholds,
                           long[] buffers, int cap, int[] counts) {
        float th = thresholds[c];
        int off = c * cap;
        int cnt = counts[c];
        int end = Math.min(TokenTiles.TILE, rows - base);
        for (int j = 0; j < end; j++) {
            float s = tileScores[tOff + j];
            if (s > th) {
                buffers[off + cnt++] = key(s, base + j);
                if (cnt == cap) {
                    selectDescending(buffers, off, off + cnt, off + k - 1);
                    cnt = k;
                    th = scoreOf(buffers[off + k - 1]);
                }
            }
        }
        counts[c] = cnt;
        thresholds[c] = th;
    }

    /**
     * Candidate {@code c}'s K best token indices into {@code out[outOff ..]} (in no particular order); returns how
     * many ({@code min(k, counts[c])}).
     */
    static int finish(long[] buffers, int cap, int[] counts, int c, int k, int[] out, int outOff) {
        int off = c * cap;
        int cnt = counts[c];
        if (cnt > k) {
            selectDescending(buffers, off, off + cnt, off + k - 1);
            cnt = k;
        }
        for (int i = 0; i < cnt; i++) {
            out[outOff + i] = indexOf(buffers[off + i]);
        }
        return cnt;
    }

    /**
     * Quickselect on {@code a[lo, hi)} of distinct keys: afterwards {@code a[nth]} is the key a descending sort would put
     * there, with larger keys before it and smaller ones after.
     */
    static void selectDescending(long[] a, int lo, int hi, int nth) {
        int l = lo, h = hi - 1;
        while (h > l) {
            int mid = (l + h) >>> 1;
            long x = a[l], y = a[mid], z = a[h];
            long p = x > y ? (y > z ? y : Math.min(x, z)) : (x > z ? x : Math.min(y, z)); // median of three
            int i = l, j = h;
            while (i <= j) {
                while (a[i] > p) {
                    i++;
                }
                while (a[j] < p) {
                    j--;
                }
                if (i <= j) {
                    long t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (nth <= j) {
                h = j;
            } else if (nth >= i) {
                l = i;
            } else {
                return;
            }
        }
    }
}
