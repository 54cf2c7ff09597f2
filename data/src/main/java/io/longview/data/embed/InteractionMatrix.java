package io.longview.data.embed;

import java.util.Arrays;

/**
 * A sparse user × item matrix of non-negative interaction weights, the input of {@link ImplicitAlsLearner}, in
 * compressed rows both ways (by user and by item). Users and items are indexed in ascending id order and entries
 * within a row in ascending index order, so the matrix, and everything learned from it, does not depend on the order
 * in which interactions were added.
 */
public final class InteractionMatrix {
    private final long[] userIds;    // (users)      ascending
    private final long[] itemIds;    // (items)      ascending
    private final int[] userPtr;     // (users + 1)  row starts into userItems / userWeights
    private final int[] userItems;   // (nnz)        item indexes, ascending within a row
    private final float[] userWeights; // (nnz)      summed weights
    private final int[] itemPtr;     // (items + 1)
    private final int[] itemUsers;   // (nnz)        user indexes, ascending within a row
    private final float[] itemWeights; // (nnz)

    private InteractionMatrix(long[] userIds, long[] itemIds, int[] userPtr, int[] userItems, float[] userWeights) {
        this.userIds = userIds;
        this.itemIds = itemIds;
        this.userPtr = userPtr;
        this.userItems = userItems;
        this.userWeights = userWeights;
        int nnz = userItems.length;
        itemPtr = new int[itemIds.length + 1];
        for (int j : userItems) {
            itemPtr[j + 1]++;
        }
        for (int j = 0; j < itemIds.length; j++) {
            itemPtr[j + 1] += itemPtr[j];
        }
        itemUsers = new int[nnz];
        itemWeights = new float[nnz];
        int[] fill = Arrays.copyOf(itemPtr, itemIds.length);
        for (int u = 0; u < userIds.length; u++) {
            for (int p = userPtr[u]; p < userPtr[u + 1]; p++) {
                int at = fill[userItems[p]]++;
                itemUsers[at] = u;
                itemWeights[at] = userWeights[p];
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public int users() {
        return userIds.length;
    }

    public int items() {
        return itemIds.length;
    }

    /** Distinct (user, item) pairs. */
    public int nonZeros() {
        return userItems.length;
    }

    /** User ids, ascending; index {@code u} of the rows. */
    public long[] userIds() {
        return userIds.clone();
    }

    /** Item ids, ascending; index {@code j} of the columns. */
    public long[] itemIds() {
        return itemIds.clone();
    }

    long userId(int u) {
        return userIds[u];
    }

    long itemId(int j) {
        return itemIds[j];
    }

    int[] userPtr() {
        return userPtr;
    }

    int[] userItems() {
        return userItems;
    }

    float[] userWeights() {
        return userWeights;
    }

    int[] itemPtr() {
        return itemPtr;
    }

    int[] itemUsers() {
        return itemUsers;
    }

    float[] itemWeights() {
        return itemWeights;
    }

    /** Collects (user, item, weight) triples; repeated pairs add up. */
    public static final class Builder {
        private long[] users = new long[1024];
        private long[] items = new long[1024];
        private float[] weights = new float[1024];
        private int n;

        private Builder() {
        }

        /**
         * Adds one interaction.
         *
         * @param weight a finite weight &gt; 0
         */
        public Builder add(long userId, long itemId, float weight) {
            if (!(weight > 0) || !Float.isFinite(weight)) {
                throw new IllegalArgumentException("interaction weight " + weight + " must be finite and > 0");
            }
            if (n == users.length) {
                if (n > Integer.MAX_VALUE - 8 - n / 2) {
                    throw new IllegalStateException("more than 2^31 interactions");
                }
                int cap = n + n / 2;
                users = Arrays.copyOf(users, cap);
                items = Arrays.copyOf(items, cap);
                weights = Arrays.copyOf(weights, cap);
            }
            users[n] = userId;
            items[n] = itemId;
            weights[n] = weight;
            n++;
            return this;
        }

        /** Interactions added so far (before merging repeated pairs). */
        public int size() {
            return n;
        }

        /** Builds the matrix; repeated (user, item) pairs are merged by adding their weights. */
        public InteractionMatrix build() {
            long[] uids = distinctSorted(users, n);
            long[] iids = distinctSorted(items, n);
            int[] ptr = new int[uids.length + 1];
            int[] ui = new int[n];
            for (int k = 0; k < n; k++) {
                ui[k] = Arrays.binarySearch(uids, users[k]);
                ptr[ui[k] + 1]++;
            }
            for (int u = 0; u < uids.length; u++) {
                ptr[u + 1] += ptr[u];
            }
            // Counting sort by user; within a row, entries packed as (item index << 32 | float bits) so that one
            // primitive sort orders them by item and keeps each weight with its item.
            long[] packed = new long[n];
            int[] fill = Arrays.copyOf(ptr, uids.length);
            for (int k = 0; k < n; k++) {
                int j = Arrays.binarySearch(iids, items[k]);
                packed[fill[ui[k]]++] = ((long) j << 32) | (Float.floatToRawIntBits(weights[k]) & 0xffffffffL);
            }
            int[] outPtr = new int[uids.length + 1];
            int[] outItems = new int[n];
            float[] outWeights = new float[n];
            int m = 0;
            for (int u = 0; u < uids.length; u++) {
                Arrays.sort(packed, ptr[u], ptr[u + 1]);
                int last = -1;
                for (int p = ptr[u]; p < ptr[u + 1]; p++) {
                    int j = (int) (packed[p] >>> 32);
                    float w = Float.intBitsToFloat((int) packed[p]);
                    if (j == last) {
                        outWeights[m - 1] += w;
                    } else {
                        outItems[m] = j;
                        outWeights[m] = w;
                        m++;
                        last = j;
                    }
                }
                outPtr[u + 1] = m;
            }
            return new InteractionMatrix(uids, iids, outPtr, Arrays.copyOf(outItems, m), Arrays.copyOf(outWeights, m));
        }

        private static long[] distinctSorted(long[] a, int n) {
            long[] s = Arrays.copyOf(a, n);
            Arrays.sort(s);
            int m = 0;
            for (int k = 0; k < n; k++) {
                if (m == 0 || s[k] != s[m - 1]) {
                    s[m++] = s[k];
                }
            }
            return Arrays.copyOf(s, m);
        }
    }
}
