package io.longview.examples;

import io.longview.core.io.LittleEndian;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static io.longview.examples.ExampleFormat.EMBEDDING_DIM;

/**
 * The compact request encoding of {@code LVEX} version 2 ({@link ExampleFormat} has the layout): a request record in
 * the in-memory layout of version 1 ({@link RequestRecord}, {@link RequestEncoder}) to and from its compact bytes.
 *
 * <p>What makes it small: a token refers to an <b>item table</b> entry (item id + its int8 embedding, written once
 * per file where it is first used) instead of carrying 40 bytes; timestamps are zigzag varint deltas from the previous
 * token (the token table is chronological); counts and ids are varints; a candidate refers to a <b>candidate table</b>
 * entry (item id + float embedding); selected indices are varint gaps (they increase within a candidate).
 *
 * <p>Both tables belong to one file and grow as it is written or read: a reference equal to the table's size means
 * "a new entry follows". One instance encodes or decodes one file, in order. Not thread-safe.
 */
final class CompactRecords {
    private static final int Q_ENTRY = 8 + EMBEDDING_DIM;          // item id + int8[32]
    private static final int F_ENTRY = 8 + 4 * EMBEDDING_DIM;      // item id + f32[32]

    // encoder side: entry → index (the first entry of an item in a primitive map; an item seen with another embedding
    // too — rare: a token keeps the embedding its item had when it was created — in a map of whole entries)
    private final Table qIndex = new Table(EMBEDDING_DIM);
    private final Table fIndex = new Table(4 * EMBEDDING_DIM);
    // decoder side: entries by index
    private byte[] qEntries = new byte[Q_ENTRY * 1024];
    private int qSize;
    private byte[] fEntries = new byte[F_ENTRY * 1024];
    private int fSize;

    private byte[] out = new byte[1 << 16];
    private int pos;

    // ------------------------------------------------------------------------------------------------ encoding

    /**
     * Encodes a version-1 layout record {@code r[0..length)} (already checked) into compact bytes.
     *
     * @return the compact bytes, valid until the next call: {@code buffer()[0 .. return value)}
     */
    int encode(byte[] r) {
        pos = 0;
        int g = LittleEndian.getInt(r, ExampleFormat.R_NEGATIVE_COUNT);
        int t = LittleEndian.getInt(r, ExampleFormat.R_TOKEN_COUNT);
        int c = LittleEndian.getInt(r, ExampleFormat.R_CANDIDATE_COUNT);
        long time = LittleEndian.getLong(r, ExampleFormat.R_REQUEST_TIME_MS);
        putLong(LittleEndian.getLong(r, ExampleFormat.R_REQUEST_ID));
        putVar(zigzag(LittleEndian.getLong(r, ExampleFormat.R_USER_ID)));
        putVar(zigzag(time));
        putVar(LittleEndian.getInt(r, ExampleFormat.R_REALTIME_COUNT));
        putVar(LittleEndian.getInt(r, ExampleFormat.R_LIFELONG_COUNT));
        putVar(LittleEndian.getInt(r, ExampleFormat.R_IMPRESSION_COUNT));
        putVar(g);
        putVar(t);
        putVar(c);
        int ids = ExampleFormat.negativeItemIdsOffset();
        int embs = ExampleFormat.negativeEmbeddingsOffset(g);
        for (int i = 0; i < g; i++) {
            ref(qIndex, r, ids + 8 * i, r, embs + EMBEDDING_DIM * i, EMBEDDING_DIM);
        }
        int ts = ExampleFormat.tokenTimestampsOffset(g);
        int tIds = ExampleFormat.tokenItemIdsOffset(g, t);
        int act = ExampleFormat.tokenActionsOffset(g, t);
        int sur = ExampleFormat.tokenSurfacesOffset(g, t);
        int par = ExampleFormat.tokenPartsOffset(g, t);
        int tEmb = ExampleFormat.tokenEmbeddingsOffset(g, t);
        long prev = time;
        for (int i = 0; i < t; i++) {
            long tsi = LittleEndian.getLong(r, ts + 8 * i);
            putVar(zigzag(tsi - prev));
            prev = tsi;
            ref(qIndex, r, tIds + 8 * i, r, tEmb + EMBEDDING_DIM * i, EMBEDDING_DIM);
            putByte(r[act + i]);
            putByte((byte) (r[sur + i] << 2 | r[par + i])); // surface < 16, part < 3
        }
        int cIds = ExampleFormat.candidateItemIdsOffset(g, t);
        int cEmb = ExampleFormat.candidateEmbeddingsOffset(g, t, c);
        for (int j = 0; j < c; j++) {
            ref(fIndex, r, cIds + 8 * j, r, cEmb + 4 * EMBEDDING_DIM * j, 4 * EMBEDDING_DIM);
        }
        int labels = ExampleFormat.candidateLabelsOffset(g, t, c);
        for (int j = 0; j < c; j++) {
            putByte(r[labels + j]);
        }
        int counts = ExampleFormat.selectedCountsOffset(g, t, c);
        int idx = ExampleFormat.selectedIndicesOffset(g, t, c);
        for (int j = 0; j < c; j++) {
            putVar(LittleEndian.getShort(r, counts + 2 * j) & 0xFFFF);
        }
        for (int j = 0; j < c; j++) {
            int n = LittleEndian.getShort(r, counts + 2 * j) & 0xFFFF;
            int last = -1;
            for (int k = 0; k < n; k++) {
                int v = LittleEndian.getShort(r, idx) & 0xFFFF;
                idx += 2;
                putVar(v - last - 1); // indices increase within a candidate: gaps ≥ 0
                last = v;
            }
        }
        return pos;
    }

    /** The encoder's output buffer. */
    byte[] buffer() {
        return out;
    }

    private void ref(Table index, byte[] idSrc, int idOff, byte[] embSrc, int embOff, int embLen) {
        long item = LittleEndian.getLong(idSrc, idOff);
        int i = index.find(item, embSrc, embOff);
        if (i >= 0) {
            putVar(i);
            return;
        }
        int n = index.add(item, embSrc, embOff);
        putVar(n);
        putVar(zigzag(item));
        ensure(embLen);
        System.arraycopy(embSrc, embOff, out, pos, embLen);
        pos += embLen;
    }

    /** The encoder's table: (item id, embedding bytes) → entry index, without allocating on a hit. */
    private static final class Table {
        private final int width;
        private long[] keys = new long[1 << 12];   // open addressing on the item id
        private int[] first = new int[1 << 12];    // the item's first entry, -1: empty slot
        private byte[] embeddings = new byte[0];   // by entry
        private int size;
        private final Map<ByteBuffer, Integer> others = new HashMap<>(); // entries after an item's first

        Table(int width) {
            this.width = width;
            Arrays.fill(first, -1);
            embeddings = new byte[width * 1024];
        }

        private int slot(long item) {
            int mask = keys.length - 1;
            int h = (int) (item * 0x9E3779B97F4A7C15L >>> 40) & mask;
            while (first[h] >= 0 && keys[h] != item) {
                h = (h + 1) & mask;
            }
            return h;
        }

        int find(long item, byte[] emb, int off) {
            int e = first[slot(item)];
            if (e < 0) {
                return -1;
            }
            if (Arrays.equals(embeddings, e * width, e * width + width, emb, off, off + width)) {
                return e;
            }
            Integer o = others.get(key(item, emb, off));
            return o == null ? -1 : o;
        }

        int add(long item, byte[] emb, int off) {
            int n = size++;
            if (size * width > embeddings.length) {
                embeddings = Arrays.copyOf(embeddings, embeddings.length * 2);
            }
            System.arraycopy(emb, off, embeddings, n * width, width);
            int h = slot(item);
            if (first[h] < 0) {
                keys[h] = item;
                first[h] = n;
                if (size * 2 > keys.length) {
                    grow();
                }
            } else {
                others.put(key(item, emb, off), n);
            }
            return n;
        }

        private void grow() {
            long[] k = keys;
            int[] f = first;
            keys = new long[k.length * 2];
            first = new int[k.length * 2];
            Arrays.fill(first, -1);
            for (int i = 0; i < k.length; i++) {
                if (f[i] >= 0) {
                    int h = slot(k[i]);
                    keys[h] = k[i];
                    first[h] = f[i];
                }
            }
        }

        private ByteBuffer key(long item, byte[] emb, int off) {
            byte[] k = new byte[8 + width];
            LittleEndian.putLong(k, 0, item);
            System.arraycopy(emb, off, k, 8, width);
            return ByteBuffer.wrap(k);
        }
    }

    private void putLong(long v) {
        ensure(8);
        LittleEndian.putLong(out, pos, v);
        pos += 8;
    }

    private void putByte(byte b) {
        ensure(1);
        out[pos++] = b;
    }

    private void putVar(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            out[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[pos++] = (byte) v;
    }

    private void ensure(int n) {
        if (pos + n > out.length) {
            out = Arrays.copyOf(out, Math.max(pos + n, out.length * 2));
        }
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    // ------------------------------------------------------------------------------------------------ decoding

    /**
     * Decodes one compact record {@code b[from..to)} into the in-memory layout.
     *
     * @throws IllegalArgumentException if the bytes are not a consistent record (corruption)
     */
    byte[] decode(byte[] b, int from, int to) {
        Reader in = new Reader(b, to);
        in.pos = from;
        long requestId = in.fixedLong();
        long user = unzigzag(in.var());
        long time = unzigzag(in.var());
        int rt = in.count("realtime count");
        int ll = in.count("lifelong count");
        int imp = in.count("impression count");
        int g = in.count("negatives");
        int t = in.count("tokens");
        int c = in.count("candidates");
        if (t > ExampleFormat.MAX_TOKENS_PER_REQUEST) {
            throw new IllegalArgumentException(t + " tokens, at most " + ExampleFormat.MAX_TOKENS_PER_REQUEST);
        }
        int[] neg = new int[g];
        for (int i = 0; i < g; i++) {
            neg[i] = qRef(in);
        }
        long[] ts = new long[t];
        int[] tok = new int[t];
        byte[] act = new byte[t];
        byte[] sp = new byte[t];
        long prev = time;
        for (int i = 0; i < t; i++) {
            prev += unzigzag(in.var());
            ts[i] = prev;
            tok[i] = qRef(in);
            act[i] = in.b();
            sp[i] = in.b();
        }
        int[] cand = new int[c];
        for (int j = 0; j < c; j++) {
            cand[j] = fRef(in);
        }
        byte[] labels = new byte[c];
        for (int j = 0; j < c; j++) {
            labels[j] = in.b();
        }
        int[] counts = new int[c];
        long s = 0;
        for (int j = 0; j < c; j++) {
            counts[j] = in.count("selected count");
            s += counts[j];
        }
        int len = s > Integer.MAX_VALUE ? -1 : ExampleFormat.requestLength(g, t, c, (int) s);
        if (len < 0) {
            throw new IllegalArgumentException("a record of " + g + " negatives, " + t + " tokens, " + c + " candidates and " + s
                    + " selected indices exceeds " + ExampleFormat.MAX_RECORD_LENGTH + " bytes");
        }
        byte[] r = new byte[len];
        LittleEndian.putInt(r, ExampleFormat.R_MARKER, ExampleFormat.REQUEST_MARKER);
        LittleEndian.putInt(r, ExampleFormat.R_LENGTH, len);
        LittleEndian.putLong(r, ExampleFormat.R_REQUEST_ID, requestId);
        LittleEndian.putLong(r, ExampleFormat.R_USER_ID, user);
        LittleEndian.putLong(r, ExampleFormat.R_REQUEST_TIME_MS, time);
        LittleEndian.putInt(r, ExampleFormat.R_REALTIME_COUNT, rt);
        LittleEndian.putInt(r, ExampleFormat.R_LIFELONG_COUNT, ll);
        LittleEndian.putInt(r, ExampleFormat.R_IMPRESSION_COUNT, imp);
        LittleEndian.putInt(r, ExampleFormat.R_NEGATIVE_COUNT, g);
        LittleEndian.putInt(r, ExampleFormat.R_TOKEN_COUNT, t);
        LittleEndian.putInt(r, ExampleFormat.R_CANDIDATE_COUNT, c);
        int ids = ExampleFormat.negativeItemIdsOffset();
        int embs = ExampleFormat.negativeEmbeddingsOffset(g);
        for (int i = 0; i < g; i++) {
            System.arraycopy(qEntries, Q_ENTRY * neg[i], r, ids + 8 * i, 8);
            System.arraycopy(qEntries, Q_ENTRY * neg[i] + 8, r, embs + EMBEDDING_DIM * i, EMBEDDING_DIM);
        }
        int tsOff = ExampleFormat.tokenTimestampsOffset(g);
        int tIds = ExampleFormat.tokenItemIdsOffset(g, t);
        int actOff = ExampleFormat.tokenActionsOffset(g, t);
        int sur = ExampleFormat.tokenSurfacesOffset(g, t);
        int par = ExampleFormat.tokenPartsOffset(g, t);
        int tEmb = ExampleFormat.tokenEmbeddingsOffset(g, t);
        for (int i = 0; i < t; i++) {
            LittleEndian.putLong(r, tsOff + 8 * i, ts[i]);
            System.arraycopy(qEntries, Q_ENTRY * tok[i], r, tIds + 8 * i, 8);
            r[actOff + i] = act[i];
            r[sur + i] = (byte) ((sp[i] & 0xFF) >>> 2);
            r[par + i] = (byte) (sp[i] & 3);
            System.arraycopy(qEntries, Q_ENTRY * tok[i] + 8, r, tEmb + EMBEDDING_DIM * i, EMBEDDING_DIM);
        }
        int cIds = ExampleFormat.candidateItemIdsOffset(g, t);
        int cEmb = ExampleFormat.candidateEmbeddingsOffset(g, t, c);
        int lab = ExampleFormat.candidateLabelsOffset(g, t, c);
        int cnt = ExampleFormat.selectedCountsOffset(g, t, c);
        for (int j = 0; j < c; j++) {
            System.arraycopy(fEntries, F_ENTRY * cand[j], r, cIds + 8 * j, 8);
            System.arraycopy(fEntries, F_ENTRY * cand[j] + 8, r, cEmb + 4 * EMBEDDING_DIM * j, 4 * EMBEDDING_DIM);
            r[lab + j] = labels[j];
            if (counts[j] > 0xFFFF) {
                throw new IllegalArgumentException("candidate " + j + " selects " + counts[j] + " tokens, at most 65535");
            }
            LittleEndian.putShort(r, cnt + 2 * j, counts[j]);
        }
        int idx = ExampleFormat.selectedIndicesOffset(g, t, c);
        for (int j = 0; j < c; j++) {
            int last = -1;
            for (int k = 0; k < counts[j]; k++) {
                long v = last + 1 + in.var();
                if (v >= t) {
                    throw new IllegalArgumentException("candidate " + j + " selects token " + v + " of " + t);
                }
                last = (int) v;
                LittleEndian.putShort(r, idx, last);
                idx += 2;
            }
        }
        if (in.pos != to) {
            throw new IllegalArgumentException("the record has " + (to - in.pos) + " bytes after its last field");
        }
        return r;
    }

    private int qRef(Reader in) {
        long i = in.var();
        if (i < qSize) {
            return (int) i;
        }
        if (i != qSize) {
            throw new IllegalArgumentException("item table reference " + i + ", the table has " + qSize + " entries");
        }
        if ((qSize + 1) * Q_ENTRY > qEntries.length) {
            qEntries = Arrays.copyOf(qEntries, qEntries.length * 2);
        }
        LittleEndian.putLong(qEntries, qSize * Q_ENTRY, unzigzag(in.var()));
        in.bytes(qEntries, qSize * Q_ENTRY + 8, EMBEDDING_DIM);
        return qSize++;
    }

    private int fRef(Reader in) {
        long i = in.var();
        if (i < fSize) {
            return (int) i;
        }
        if (i != fSize) {
            throw new IllegalArgumentException("candidate table reference " + i + ", the table has " + fSize + " entries");
        }
        if ((fSize + 1) * F_ENTRY > fEntries.length) {
            fEntries = Arrays.copyOf(fEntries, fEntries.length * 2);
        }
        LittleEndian.putLong(fEntries, fSize * F_ENTRY, unzigzag(in.var()));
        in.bytes(fEntries, fSize * F_ENTRY + 8, 4 * EMBEDDING_DIM);
        return fSize++;
    }

    /** Bounds-checked reading of one record's bytes. */
    private static final class Reader {
        final byte[] b;
        final int end;
        int pos;

        Reader(byte[] b, int end) {
            this.b = b;
            this.end = end;
        }

        private void need(int n) {
            if (pos + n > end) {
                throw new IllegalArgumentException("the record ends inside a field (byte " + pos + " of " + end + ")");
            }
        }

        long fixedLong() {
            need(8);
            long v = LittleEndian.getLong(b, pos);
            pos += 8;
            return v;
        }

        byte b() {
            need(1);
            return b[pos++];
        }

        long var() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                need(1);
                byte x = b[pos++];
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("a varint longer than 10 bytes at byte " + pos);
        }

        int count(String what) {
            long v = var();
            if (v < 0 || v > Integer.MAX_VALUE / 2) {
                throw new IllegalArgumentException(what + " " + v + " is out of range");
            }
            return (int) v;
        }

        void bytes(byte[] dst, int off, int n) {
            need(n);
            System.arraycopy(b, pos, dst, off, n);
            pos += n;
        }
    }
}
