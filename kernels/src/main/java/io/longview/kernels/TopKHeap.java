package io.longview.kernels;

/**
 * The top-K bookkeeping shared by both {@link KernelSupport} implementations: a binary min-heap of indices ordered by
 * "better" = (score desc, timestamp desc, index asc), the rule of core's {@code CandidateSelector}; the root is the
 * worst of the best K. Static methods over arrays and ints only, so that vector kernels can call them without boxing.
 */
final class TopKHeap {
    private TopKHeap() {
    }

    /** Index {@code a} ranks before index {@code b}: higher score, then newer (larger timestamp), then smaller index. */
    static boolean better(int a, int b, float[] scores, int off, long[] timestamps) {
        float sa = scores[off + a];
        float sb = scores[off + b];
        if (sa != sb) {
            return sa > sb;
        }
        long ta = timestamps[a];
        long tb = timestamps[b];
        if (ta != tb) {
            return ta > tb;
        }
        return a < b;
    }

    /** Adds {@code i} as element {@code size} of the heap; returns the new size. */
    static int push(int[] heap, int size, int i, float[] scores, int off, long[] timestamps) {
        int pos = size;
        while (pos > 0) {
            int p = (pos - 1) >>> 1;
            if (!better(heap[p], i, scores, off, timestamps)) {
                break;
            }
            heap[pos] = heap[p];
            pos = p;
        }
        heap[pos] = i;
        return size + 1;
    }

    /** Replaces the root with {@code i} when {@code i} is better than it. */
    static void offer(int[] heap, int size, int i, float[] scores, int off, long[] timestamps) {
        if (better(i, heap[0], scores, off, timestamps)) {
            heap[0] = i;
            siftDown(heap, size, scores, off, timestamps);
        }
    }

    static void siftDown(int[] heap, int size, float[] scores, int off, long[] timestamps) {
        int x = heap[0];
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && better(heap[c], heap[c + 1], scores, off, timestamps)) {
                c++; // the worse child
            }
            if (!better(x, heap[c], scores, off, timestamps)) {
                break;
            }
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = x;
    }

    /** Heap sort in place: afterwards {@code heap[0 .. size)} is best first. */
    static void sortBestFirst(int[] heap, int size, float[] scores, int off, long[] timestamps) {
        for (int end = size - 1; end > 0; end--) {
            int worst = heap[0];
            heap[0] = heap[end];
            siftDown(heap, end, scores, off, timestamps);
            heap[end] = worst;
        }
    }

    // ---- a plain min-heap of ints, for the chunk-maximum bound of the vector top-K

    /** An int whose signed order is the float order of {@code x} (for non-NaN values; −0 sorts below +0). */
    static int sortableKey(float x) {
        int b = Float.floatToRawIntBits(x);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    static float fromSortableKey(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
    }

    /** Adds {@code key} to a min-heap of ints of {@code size}; returns the new size. */
    static int pushKey(int[] heap, int size, int key) {
        int pos = size;
        while (pos > 0) {
            int p = (pos - 1) >>> 1;
            if (heap[p] <= key) {
                break;
            }
            heap[pos] = heap[p];
            pos = p;
        }
        heap[pos] = key;
        return size + 1;
    }

    /** Replaces the minimum of a min-heap of ints with {@code key} (which must be larger). */
    static void replaceMinKey(int[] heap, int size, int key) {
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && heap[c + 1] < heap[c]) {
                c++;
            }
            if (key <= heap[c]) {
                break;
            }
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = key;
    }
}
