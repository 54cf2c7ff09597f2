package io.longview.examples;

import static io.longview.core.io.LittleEndian.getFloat;
import static io.longview.core.io.LittleEndian.getInt;
import static io.longview.core.io.LittleEndian.getLong;
import static io.longview.core.io.LittleEndian.getU16;
import static io.longview.core.io.LittleEndian.putFloat;
import static io.longview.core.io.LittleEndian.putInt;
import static io.longview.core.io.LittleEndian.putLong;
import static io.longview.core.io.LittleEndian.putShort;

import io.longview.core.model.Actions;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.Surfaces;
import io.longview.core.model.Token;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.core.select.SequencePart;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one descriptor of the <b>example file</b> ({@code train.lvx}, {@code eval.lvx}): point-in-time training
 * examples, grouped per request, written once and streamed by the trainer. No other class computes an offset.
 *
 * <h2>File</h2>
 * <pre>
 * file    := header  request*  footer
 * </pre>
 * All numbers are <b>little-endian</b>; no alignment or padding anywhere. Strings are {@code u16 byte length + UTF-8}.
 *
 * <h2>Header</h2> (offsets from the start of the file; {@link #HEADER_FIXED_LENGTH} fixed bytes, then variable ones)
 * <pre>
 *  0 i32  magic            {@link #MAGIC}, the bytes "LVEX"
 *  4 i32  version          {@link #VERSION}
 *  8 i32  headerLength     bytes of the whole header, strings included
 * 12 i32  side             0 train (requests before splitTimeMs), 1 eval (requests at or after it)
 * 16 i32  embeddingDim     32
 * 20 i32  kLifelong        K_LL        ┐
 * 24 i32  recent           r           │ SelectionConfig
 * 28 i32  kRealtime        K_RT        │
 * 32 i32  kImpressions     K_imp       │
 * 36 i32  lifelongRule     0 nearest, 1 most_recent, 2 random ┘
 * 40 i32  maxLength        K_LL + r + K_RT + K_imp (checked)
 * 44 i32  realtimeLimit    ┐
 * 48 i32  lifelongLimit    │ SequenceLimits the history was folded with
 * 52 i32  impressionsLimit │
 * 56 i64  foldWindowMs     ┘
 * 64 f32  quantizerClip    int8 embeddings dequantize as q * clip / 127
 * 68 i32  maxNegatives     NAL impression negatives per request at most (16)
 * 72 i64  labelWindowMs    labels = actions in [t, t + labelWindowMs)
 * 80 i64  splitTimeMs      the train/eval split time
 * 88 i32  labelMask        bits that may appear in a label byte (click|save|hide = 7)
 * 92 i32  headCount H      then H × (i32 bit, string name): the meaning of each label bit (1 click, 2 save, 4 hide)
 *    string snapshotId      the dataset snapshot the examples were built from
 *    string builderVersion  the code that built them
 * </pre>
 *
 * <h2>Request record on disk (version 2)</h2>
 * <pre>
 *  0 i32  marker           {@link #REQUEST_MARKER}, the bytes "RQST"
 *  4 i32  length           bytes of the whole record, these 8 included
 *  8      compact request  ({@link CompactRecords}); varint = LEB128, zigzag for signed values:
 *         i64 requestId; varint userId (zigzag), t (zigzag); varint |S_RT|, |S_LL|, |S_imp|, G, T, C
 *         G × itemRef                               NAL negatives, newest first
 *         T × (varint ts − previous ts (zigzag; the first from t), itemRef, u8 actions, u8 surface &lt;&lt; 2 | part)
 *         C × candidateRef
 *         u8[C] labels; varint[C] selected counts n_j
 *         for each candidate, n_j × varint gap (index − previous index − 1; the first from −1)
 *  itemRef      := varint i: entry i of the file's item table; i = its size: a new entry follows,
 *                  varint itemId (zigzag) + i8[32] quantized embedding
 *  candidateRef := the same over the candidate table, whose entries hold f32[32] float embeddings
 * </pre>
 * The tables belong to the file: entries are added in file order, so a reader rebuilds them as it streams (memory:
 * the distinct items of the file). A decoded record has the in-memory layout below ({@link RequestRecord}).
 *
 * <h2>Request record in memory</h2> (the on-disk layout of version 1; offsets from the record start; {@code G}
 * negatives, {@code T} tokens, {@code C} candidates, {@code S} = Σ selected counts)
 * <pre>
 *  0 i32  marker           {@link #REQUEST_MARKER}, the bytes "RQST"
 *  4 i32  length           bytes of the whole record = {@link #requestLength(int, int, int, int)}
 *  8 i64  requestId
 * 16 i64  userId
 * 24 i64  requestTimeMs    t
 * 32 i32  realtimeCount    |S_RT| at t  ┐ dense features
 * 36 i32  lifelongCount    |S_LL| at t  │
 * 40 i32  impressionCount  |S_imp| at t ┘
 * 44 i32  G                NAL negatives: the newest G ≤ maxNegatives S_imp tokens at t
 * 48 i32  T                token table: the union of the tokens selected for any candidate
 * 52 i32  C                candidates
 * 56      i64[G]           negative item ids, newest first
 *         i8[G × 32]       negative quantized embeddings
 *         i64[T]           token timestamps     ┐ token table, one column after the other,
 *         i64[T]           token item ids       │ chronological: (timestamp, part, older first),
 *         u8[T]            token actions        │ so every candidate's indices increase
 *         u8[T]            token surfaces       │
 *         u8[T]            token parts          │ SequencePart code: 0 ll, 1 rt, 2 imp
 *         i8[T × 32]       token embeddings     ┘
 *         i64[C]           candidate item ids (the builder writes them ascending)
 *         f32[C × 32]      candidate float embeddings
 *         u8[C]            candidate labels     Actions bits (click 1, save 2, hide 4)
 *         u16[C]           selected counts n_j ≤ maxLength
 *         u16[S]           selected token-table indices, candidate after candidate, each in S_all order
 *                          (chronological, oldest first; padding up to maxLength is implicit)
 * </pre>
 *
 * <h2>Footer</h2> ({@link #FOOTER_LENGTH} bytes) — a file without it is truncated, a reader says so.
 * <pre>
 *  0 i32  marker           {@link #END_MARKER}, the bytes "END."
 *  4 i32  length           {@link #FOOTER_LENGTH}
 *  8 i64  requests
 * 16 i64  candidates       (= examples)
 * 24 i64  tokens           Σ T over the requests
 * 32 i64  clicks           candidates whose label has the click bit
 * 40 i64  saves
 * 48 i64  hides
 * 56 i32  crc32c           of every byte before the footer (header and records)
 * 60 i32  magic            {@link #MAGIC} again
 * </pre>
 *
 * <h2>Versions</h2> Version 2 (compact records with item tables; about 10x smaller than version 1) is written and
 * read. Version 1 stored the in-memory layout on disk (62 bytes per token); a reader recognises it and says how to
 * rebuild it (a golden v1 file in the test resources checks that).
 */
public final class ExampleFormat {
    public static final int MAGIC = fourCc("LVEX");
    public static final int VERSION = 2;
    public static final int MIN_VERSION = 2;
    public static final int REQUEST_MARKER = fourCc("RQST");
    public static final int END_MARKER = fourCc("END.");
    public static final int EMBEDDING_DIM = Token.EMBEDDING_DIM;
    /** Selected indices and counts are u16. */
    public static final int MAX_TOKENS_PER_REQUEST = 0xFFFF;
    /** A record larger than this is taken for corruption. */
    public static final int MAX_RECORD_LENGTH = 1 << 30;
    public static final String TRAIN_FILE = "train.lvx";
    public static final String EVAL_FILE = "eval.lvx";
    public static final String SUMMARY_FILE = "examples.json";

    /** The label heads of version 1: bit and name. Label bytes are core {@link Actions} bits. */
    public static final List<LabelHead> HEADS = List.of(
            new LabelHead(Actions.CLICK, "click"), new LabelHead(Actions.SAVE, "save"), new LabelHead(Actions.HIDE, "hide"));

    // ---- header
    public static final int H_MAGIC = 0;
    public static final int H_VERSION = 4;
    public static final int H_HEADER_LENGTH = 8;
    public static final int H_SIDE = 12;
    public static final int H_EMBEDDING_DIM = 16;
    public static final int H_K_LIFELONG = 20;
    public static final int H_RECENT = 24;
    public static final int H_K_REALTIME = 28;
    public static final int H_K_IMPRESSIONS = 32;
    public static final int H_LIFELONG_RULE = 36;
    public static final int H_MAX_LENGTH = 40;
    public static final int H_REALTIME_LIMIT = 44;
    public static final int H_LIFELONG_LIMIT = 48;
    public static final int H_IMPRESSIONS_LIMIT = 52;
    public static final int H_FOLD_WINDOW_MS = 56;
    public static final int H_QUANTIZER_CLIP = 64;
    public static final int H_MAX_NEGATIVES = 68;
    public static final int H_LABEL_WINDOW_MS = 72;
    public static final int H_SPLIT_TIME_MS = 80;
    public static final int H_LABEL_MASK = 88;
    public static final int H_HEAD_COUNT = 92;
    public static final int HEADER_FIXED_LENGTH = 96;
    /** The first bytes a reader needs to check the magic, version and header length. */
    public static final int HEADER_PREFIX_LENGTH = 12;
    static final int MAX_HEADER_LENGTH = 1 << 20;

    // ---- request record
    public static final int R_MARKER = 0;
    public static final int R_LENGTH = 4;
    public static final int R_REQUEST_ID = 8;
    public static final int R_USER_ID = 16;
    public static final int R_REQUEST_TIME_MS = 24;
    public static final int R_REALTIME_COUNT = 32;
    public static final int R_LIFELONG_COUNT = 36;
    public static final int R_IMPRESSION_COUNT = 40;
    public static final int R_NEGATIVE_COUNT = 44;
    public static final int R_TOKEN_COUNT = 48;
    public static final int R_CANDIDATE_COUNT = 52;
    public static final int REQUEST_FIXED_LENGTH = 56;
    /** Bytes per token-table entry over all its columns. */
    public static final int TOKEN_BYTES = 8 + 8 + 1 + 1 + 1 + EMBEDDING_DIM;
    /** Bytes per candidate over its fixed columns (item id, embedding, label, selected count). */
    public static final int CANDIDATE_FIXED_BYTES = 8 + 4 * EMBEDDING_DIM + 1 + 2;
    /** Bytes per NAL negative (item id, embedding). */
    public static final int NEGATIVE_BYTES = 8 + EMBEDDING_DIM;

    // ---- footer
    public static final int F_MARKER = 0;
    public static final int F_LENGTH = 4;
    public static final int F_REQUESTS = 8;
    public static final int F_CANDIDATES = 16;
    public static final int F_TOKENS = 24;
    /** Positives of head h (0 click, 1 save, 2 hide) at {@code F_POSITIVES + 8 h}. */
    public static final int F_POSITIVES = 32;
    public static final int F_CRC = 56;
    public static final int F_MAGIC = 60;
    public static final int FOOTER_LENGTH = 64;


    private ExampleFormat() {
    }

    /** One label head: the bit it reads in a label byte and its name. */
    public record LabelHead(int bit, String name) {
    }

    // ---------------------------------------------------------------- request offsets

    public static int negativeItemIdsOffset() {
        return REQUEST_FIXED_LENGTH;
    }

    public static int negativeEmbeddingsOffset(int g) {
        return REQUEST_FIXED_LENGTH + 8 * g;
    }

    public static int tokenTimestampsOffset(int g) {
        return REQUEST_FIXED_LENGTH + NEGATIVE_BYTES * g;
    }

    public static int tokenItemIdsOffset(int g, int t) {
        return tokenTimestampsOffset(g) + 8 * t;
    }

    public static int tokenActionsOffset(int g, int t) {
        return tokenTimestampsOffset(g) + 16 * t;
    }

    public static int tokenSurfacesOffset(int g, int t) {
        return tokenTimestampsOffset(g) + 17 * t;
    }

    public static int tokenPartsOffset(int g, int t) {
        return tokenTimestampsOffset(g) + 18 * t;
    }

    public static int tokenEmbeddingsOffset(int g, int t) {
        return tokenTimestampsOffset(g) + 19 * t;
    }

    public static int candidateItemIdsOffset(int g, int t) {
        return tokenTimestampsOffset(g) + TOKEN_BYTES * t;
    }

    public static int candidateEmbeddingsOffset(int g, int t, int c) {
        return candidateItemIdsOffset(g, t) + 8 * c;
    }

    public static int candidateLabelsOffset(int g, int t, int c) {
        return candidateItemIdsOffset(g, t) + (8 + 4 * EMBEDDING_DIM) * c;
    }

    public static int selectedCountsOffset(int g, int t, int c) {
        return candidateItemIdsOffset(g, t) + (8 + 4 * EMBEDDING_DIM + 1) * c;
    }

    public static int selectedIndicesOffset(int g, int t, int c) {
        return candidateItemIdsOffset(g, t) + CANDIDATE_FIXED_BYTES * c;
    }

    /**
     * Bytes of a request record with {@code g} negatives, {@code t} tokens, {@code c} candidates and {@code s}
     * selected indices in all; -1 when that exceeds {@link #MAX_RECORD_LENGTH}.
     */
    public static int requestLength(int g, int t, int c, int s) {
        long n = REQUEST_FIXED_LENGTH + (long) NEGATIVE_BYTES * g + (long) TOKEN_BYTES * t + (long) CANDIDATE_FIXED_BYTES * c + 2L * s;
        return n > MAX_RECORD_LENGTH ? -1 : (int) n;
    }

    /**
     * Checks one request record's internal consistency: marker, length against its counts, counts against the
     * header, token indices in range, label bits and part codes known.
     *
     * @param b         the record, starting at 0
     * @param length    bytes of it available
     * @param header    the file's header (shapes)
     * @throws IllegalArgumentException naming the bad value and what was expected
     */
    public static void checkRequest(byte[] b, int length, ExampleHeader header) {
        if (length < REQUEST_FIXED_LENGTH) {
            throw new IllegalArgumentException("request record of " + length + " bytes, expected at least " + REQUEST_FIXED_LENGTH);
        }
        if (getInt(b, R_MARKER) != REQUEST_MARKER) {
            throw new IllegalArgumentException("request marker " + hex(getInt(b, R_MARKER)) + ", expected " + hex(REQUEST_MARKER));
        }
        int g = getInt(b, R_NEGATIVE_COUNT);
        int t = getInt(b, R_TOKEN_COUNT);
        int c = getInt(b, R_CANDIDATE_COUNT);
        if (g < 0 || g > header.maxNegatives()) {
            throw new IllegalArgumentException("request has " + g + " negatives, expected 0.." + header.maxNegatives());
        }
        if (t < 0 || t > MAX_TOKENS_PER_REQUEST) {
            throw new IllegalArgumentException("request has " + t + " tokens, expected 0.." + MAX_TOKENS_PER_REQUEST);
        }
        if (c < 0 || c > MAX_RECORD_LENGTH / CANDIDATE_FIXED_BYTES) {
            throw new IllegalArgumentException("request has " + c + " candidates");
        }
        for (int n : new int[]{R_REALTIME_COUNT, R_LIFELONG_COUNT, R_IMPRESSION_COUNT}) {
            if (getInt(b, n) < 0) {
                throw new IllegalArgumentException("negative sequence length " + getInt(b, n) + " at offset " + n);
            }
        }
        int fixed = requestLength(g, t, c, 0);
        if (fixed < 0 || fixed > length) {
            throw new IllegalArgumentException("request record of " + length + " bytes cannot hold " + g + " negatives, " + t
                    + " tokens and " + c + " candidates (" + (fixed < 0 ? "too large" : fixed + " bytes") + ")");
        }
        int countsOff = selectedCountsOffset(g, t, c);
        long s = 0;
        for (int j = 0; j < c; j++) {
            int n = getU16(b, countsOff + 2 * j);
            if (n > header.selection().maxLength()) {
                throw new IllegalArgumentException("candidate " + j + " has " + n + " selected tokens, expected at most "
                        + header.selection().maxLength());
            }
            s += n;
        }
        int expected = requestLength(g, t, c, (int) Math.min(s, Integer.MAX_VALUE));
        if (expected != length || getInt(b, R_LENGTH) != length) {
            throw new IllegalArgumentException("request record length " + getInt(b, R_LENGTH) + " (" + length
                    + " bytes read), expected " + expected + " for " + g + " negatives, " + t + " tokens, " + c
                    + " candidates and " + s + " selected indices");
        }
        int labelsOff = candidateLabelsOffset(g, t, c);
        for (int j = 0; j < c; j++) {
            int l = b[labelsOff + j] & 0xff;
            if ((l & ~header.labelMask()) != 0) {
                throw new IllegalArgumentException("candidate " + j + " has label bits " + l + ", expected a subset of " + header.labelMask());
            }
        }
        int partsOff = tokenPartsOffset(g, t);
        int actionsOff = tokenActionsOffset(g, t);
        int surfacesOff = tokenSurfacesOffset(g, t);
        for (int i = 0; i < t; i++) {
            if ((b[partsOff + i] & 0xff) > SequencePart.IMPRESSIONS.code()) {
                throw new IllegalArgumentException("token " + i + " has part code " + (b[partsOff + i] & 0xff) + ", expected 0..2");
            }
            int a = b[actionsOff + i] & 0xff;
            if (a == 0 || (a & ~Actions.ALL_MASK) != 0) {
                throw new IllegalArgumentException("token " + i + " has action bits " + a + ", expected a non-empty subset of " + Actions.ALL_MASK);
            }
            if ((b[surfacesOff + i] & 0xff) >= Surfaces.LIMIT) {
                throw new IllegalArgumentException("token " + i + " has surface " + (b[surfacesOff + i] & 0xff) + ", expected < " + Surfaces.LIMIT);
            }
        }
        int idxOff = selectedIndicesOffset(g, t, c);
        for (long k = 0; k < s; k++) {
            int x = getU16(b, idxOff + 2 * (int) k);
            if (x >= t) {
                throw new IllegalArgumentException("selected index " + x + " out of the token table of " + t);
            }
        }
    }

    // ---------------------------------------------------------------- header

    /** Encodes a header (its {@code version} is ignored: a writer always writes {@link #VERSION}). */
    public static byte[] encodeHeader(ExampleHeader h) {
        byte[] snapshot = utf8(h.snapshotId(), "snapshotId");
        byte[] builder = utf8(h.builderVersion(), "builderVersion");
        List<byte[]> names = new ArrayList<>();
        int len = HEADER_FIXED_LENGTH + 2 + snapshot.length + 2 + builder.length;
        for (LabelHead head : h.heads()) {
            byte[] n = utf8(head.name(), "head name");
            names.add(n);
            len += 4 + 2 + n.length;
        }
        byte[] b = new byte[len];
        SelectionConfig s = h.selection();
        SequenceLimits l = h.limits();
        putInt(b, H_MAGIC, MAGIC);
        putInt(b, H_VERSION, VERSION);
        putInt(b, H_HEADER_LENGTH, len);
        putInt(b, H_SIDE, h.side().code());
        putInt(b, H_EMBEDDING_DIM, EMBEDDING_DIM);
        putInt(b, H_K_LIFELONG, s.kLifelong());
        putInt(b, H_RECENT, s.recent());
        putInt(b, H_K_REALTIME, s.kRealtime());
        putInt(b, H_K_IMPRESSIONS, s.kImpressions());
        putInt(b, H_LIFELONG_RULE, s.lifelongRule().ordinal());
        putInt(b, H_MAX_LENGTH, s.maxLength());
        putInt(b, H_REALTIME_LIMIT, l.realtime());
        putInt(b, H_LIFELONG_LIMIT, l.lifelong());
        putInt(b, H_IMPRESSIONS_LIMIT, l.impressions());
        putLong(b, H_FOLD_WINDOW_MS, l.foldWindowMs());
        putFloat(b, H_QUANTIZER_CLIP, h.quantizerClip());
        putInt(b, H_MAX_NEGATIVES, h.maxNegatives());
        putLong(b, H_LABEL_WINDOW_MS, h.labelWindowMs());
        putLong(b, H_SPLIT_TIME_MS, h.splitTimeMs());
        putInt(b, H_LABEL_MASK, h.labelMask());
        putInt(b, H_HEAD_COUNT, h.heads().size());
        int off = HEADER_FIXED_LENGTH;
        for (int i = 0; i < names.size(); i++) {
            putInt(b, off, h.heads().get(i).bit());
            off = putString(b, off + 4, names.get(i));
        }
        off = putString(b, off, snapshot);
        off = putString(b, off, builder);
        assert off == len;
        return b;
    }

    /**
     * Checks the first {@link #HEADER_PREFIX_LENGTH} bytes of a file and returns its header length.
     *
     * @throws IllegalArgumentException for a wrong magic, an unknown version or an absurd header length
     */
    public static int checkHeaderPrefix(byte[] b) {
        int magic = getInt(b, H_MAGIC);
        if (magic != MAGIC) {
            throw new IllegalArgumentException("not a Longview example file: magic " + hex(magic) + ", expected " + hex(MAGIC) + " (\"LVEX\")");
        }
        int version = getInt(b, H_VERSION);
        if (version == 1) {
            throw new IllegalArgumentException("example format version 1, the uncompact format of earlier Longview releases; "
                    + "this Longview reads version " + VERSION + " (about 10x smaller): rebuild the examples with "
                    + "'longview examples --dataset DIR --force'");
        }
        if (version < MIN_VERSION || version > VERSION) {
            throw new IllegalArgumentException("example format version " + version + ", this Longview reads versions "
                    + MIN_VERSION + ".." + VERSION + (version > VERSION ? " (written by a newer Longview?)" : ""));
        }
        int len = getInt(b, H_HEADER_LENGTH);
        if (len < HEADER_FIXED_LENGTH || len > MAX_HEADER_LENGTH) {
            throw new IllegalArgumentException("header length " + len + ", expected " + HEADER_FIXED_LENGTH + ".." + MAX_HEADER_LENGTH);
        }
        return len;
    }

    /**
     * Decodes and checks a whole header (as many bytes as {@link #checkHeaderPrefix} said).
     *
     * @throws IllegalArgumentException naming the bad field, its value and what was expected
     */
    public static ExampleHeader decodeHeader(byte[] b) {
        int len = checkHeaderPrefix(b);
        if (b.length != len) {
            throw new IllegalArgumentException("header of " + b.length + " bytes, its length field says " + len);
        }
        int version = getInt(b, H_VERSION);
        int dim = getInt(b, H_EMBEDDING_DIM);
        if (dim != EMBEDDING_DIM) {
            throw new IllegalArgumentException("embedding dimension " + dim + ", expected " + EMBEDDING_DIM);
        }
        int side = getInt(b, H_SIDE);
        int rule = getInt(b, H_LIFELONG_RULE);
        if (rule < 0 || rule >= SelectionRule.values().length) {
            throw new IllegalArgumentException("lifelong selection rule " + rule + ", expected 0.." + (SelectionRule.values().length - 1));
        }
        SelectionConfig s = new SelectionConfig(getInt(b, H_K_LIFELONG), getInt(b, H_RECENT), getInt(b, H_K_REALTIME),
                getInt(b, H_K_IMPRESSIONS), SelectionRule.values()[rule]);
        if (getInt(b, H_MAX_LENGTH) != s.maxLength()) {
            throw new IllegalArgumentException("max sequence length " + getInt(b, H_MAX_LENGTH) + ", expected " + s.maxLength()
                    + " (the sum of the selection budgets " + s.describe() + ")");
        }
        SequenceLimits l = new SequenceLimits(getInt(b, H_REALTIME_LIMIT), getInt(b, H_LIFELONG_LIMIT),
                getInt(b, H_IMPRESSIONS_LIMIT), getLong(b, H_FOLD_WINDOW_MS));
        int heads = getInt(b, H_HEAD_COUNT);
        if (heads < 0 || heads > 8) {
            throw new IllegalArgumentException("label head count " + heads + ", expected 0..8");
        }
        int off = HEADER_FIXED_LENGTH;
        List<LabelHead> list = new ArrayList<>();
        for (int i = 0; i < heads; i++) {
            need(b, off, 4);
            int bit = getInt(b, off);
            String[] name = new String[1];
            off = getString(b, off + 4, name);
            list.add(new LabelHead(bit, name[0]));
        }
        String[] snapshot = new String[1];
        String[] builder = new String[1];
        off = getString(b, off, snapshot);
        off = getString(b, off, builder);
        if (off != len) {
            throw new IllegalArgumentException("header fields end at byte " + off + ", its length field says " + len);
        }
        return new ExampleHeader(version, ExampleHeader.Side.ofCode(side), s, l, getFloat(b, H_QUANTIZER_CLIP),
                getInt(b, H_MAX_NEGATIVES), getLong(b, H_LABEL_WINDOW_MS), getLong(b, H_SPLIT_TIME_MS),
                getInt(b, H_LABEL_MASK), List.copyOf(list), snapshot[0], builder[0]);
    }

    // ---------------------------------------------------------------- footer

    public static byte[] encodeFooter(ExampleFooter f) {
        byte[] b = new byte[FOOTER_LENGTH];
        putInt(b, F_MARKER, END_MARKER);
        putInt(b, F_LENGTH, FOOTER_LENGTH);
        putLong(b, F_REQUESTS, f.requests());
        putLong(b, F_CANDIDATES, f.candidates());
        putLong(b, F_TOKENS, f.tokens());
        for (int h = 0; h < 3; h++) {
            putLong(b, F_POSITIVES + 8 * h, f.positives(h));
        }
        putInt(b, F_CRC, f.crc32c());
        putInt(b, F_MAGIC, MAGIC);
        return b;
    }

    /**
     * Decodes a footer.
     *
     * @throws IllegalArgumentException if its marker, length or closing magic is wrong
     */
    public static ExampleFooter decodeFooter(byte[] b) {
        if (getInt(b, F_MARKER) != END_MARKER) {
            throw new IllegalArgumentException("end marker " + hex(getInt(b, F_MARKER)) + ", expected " + hex(END_MARKER));
        }
        if (getInt(b, F_LENGTH) != FOOTER_LENGTH) {
            throw new IllegalArgumentException("footer length " + getInt(b, F_LENGTH) + ", expected " + FOOTER_LENGTH);
        }
        if (getInt(b, F_MAGIC) != MAGIC) {
            throw new IllegalArgumentException("closing magic " + hex(getInt(b, F_MAGIC)) + ", expected " + hex(MAGIC));
        }
        return new ExampleFooter(getLong(b, F_REQUESTS), getLong(b, F_CANDIDATES), getLong(b, F_TOKENS),
                new long[]{getLong(b, F_POSITIVES), getLong(b, F_POSITIVES + 8), getLong(b, F_POSITIVES + 16)}, getInt(b, F_CRC));
    }

    /** A four-character code as the little-endian int whose bytes spell it. */
    static int fourCc(String s) {
        return s.charAt(0) | s.charAt(1) << 8 | s.charAt(2) << 16 | s.charAt(3) << 24;
    }

    static String hex(int v) {
        return String.format(Locale.ROOT, "0x%08x", v);
    }

    private static byte[] utf8(String s, String what) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException(what + " has " + b.length + " UTF-8 bytes, at most 65,535 fit");
        }
        return b;
    }

    private static int putString(byte[] b, int off, byte[] s) {
        putShort(b, off, s.length);
        System.arraycopy(s, 0, b, off + 2, s.length);
        return off + 2 + s.length;
    }

    private static int getString(byte[] b, int off, String[] out) {
        need(b, off, 2);
        int n = getU16(b, off);
        need(b, off + 2, n);
        out[0] = new String(b, off + 2, n, StandardCharsets.UTF_8);
        return off + 2 + n;
    }

    private static void need(byte[] b, int off, int n) {
        if (off + n > b.length) {
            throw new IllegalArgumentException("header field at byte " + off + " needs " + n + " bytes, the header ends at " + b.length);
        }
    }
}
