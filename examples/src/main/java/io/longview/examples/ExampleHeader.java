package io.longview.examples;

import io.longview.core.model.Actions;
import io.longview.core.model.SequenceLimits;
import io.longview.core.select.SelectionConfig;

import java.util.List;

/**
 * What an example file says about itself (its provenance and shapes, {@link ExampleFormat} header): everything a
 * trainer needs to interpret the records and to record in its checkpoint.
 *
 * @param version        the format version the file was written with ({@link ExampleFormat#VERSION} when writing)
 * @param side           train (requests before {@code splitTimeMs}) or eval (at or after it)
 * @param selection      the selection budgets and lifelong rule every candidate's S_all was chosen with
 * @param limits         the sequence limits the history was folded with
 * @param quantizerClip  int8 embeddings dequantize as {@code q * clip / 127}
 * @param maxNegatives   NAL impression negatives per request at most
 * @param labelWindowMs  a candidate's labels are the actions in {@code [t, t + labelWindowMs)}
 * @param splitTimeMs    the train/eval split time
 * @param labelMask      the bits a label byte may hold
 * @param heads          the label heads: bit and name
 * @param snapshotId     the dataset snapshot the examples come from
 * @param builderVersion the code that built them
 */
public record ExampleHeader(int version, Side side, SelectionConfig selection, SequenceLimits limits, float quantizerClip,
                            int maxNegatives, long labelWindowMs, long splitTimeMs, int labelMask,
                            List<ExampleFormat.LabelHead> heads, String snapshotId, String builderVersion) {

    /** Which side of the time split a file holds. */
    public enum Side {
        TRAIN(0, ExampleFormat.TRAIN_FILE), EVAL(1, ExampleFormat.EVAL_FILE);

        private final int code;
        private final String fileName;

        Side(int code, String fileName) {
            this.code = code;
            this.fileName = fileName;
        }

        public int code() {
            return code;
        }

        /** {@code train.lvx} or {@code eval.lvx}. */
        public String fileName() {
            return fileName;
        }

        /** The side of a request at {@code requestTimeMs}: train strictly before the split. */
        public static Side of(long requestTimeMs, long splitTimeMs) {
            return requestTimeMs < splitTimeMs ? TRAIN : EVAL;
        }

        public static Side ofCode(int code) {
            for (Side s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new IllegalArgumentException("split side " + code + ", expected 0 (train) or 1 (eval)");
        }
    }

    public ExampleHeader {
        if (side == null || selection == null || limits == null || heads == null || snapshotId == null || builderVersion == null) {
            throw new IllegalArgumentException("example header fields must be set");
        }
        if (!(quantizerClip > 0) || !Float.isFinite(quantizerClip)) {
            throw new IllegalArgumentException("quantizer clip " + quantizerClip + ", expected a positive finite number");
        }
        if (maxNegatives < 0 || maxNegatives > 1024) {
            throw new IllegalArgumentException("max negatives " + maxNegatives + ", expected 0..1024");
        }
        if (labelWindowMs < 1) {
            throw new IllegalArgumentException("label window " + labelWindowMs + " ms, expected ≥ 1");
        }
        if (selection.maxLength() > ExampleFormat.MAX_TOKENS_PER_REQUEST) {
            throw new IllegalArgumentException("selection length " + selection.maxLength() + ", the format holds at most "
                    + ExampleFormat.MAX_TOKENS_PER_REQUEST);
        }
        if ((labelMask & ~Actions.EXPLICIT_MASK) != 0) {
            throw new IllegalArgumentException("label mask " + labelMask + ", expected a subset of " + Actions.EXPLICIT_MASK);
        }
        heads = List.copyOf(heads);
    }

    /** A version-{@link ExampleFormat#VERSION} header with the standard heads (click, save, hide). */
    public static ExampleHeader of(Side side, SelectionConfig selection, SequenceLimits limits, float quantizerClip,
                                   int maxNegatives, long labelWindowMs, long splitTimeMs, String snapshotId, String builderVersion) {
        return new ExampleHeader(ExampleFormat.VERSION, side, selection, limits, quantizerClip, maxNegatives, labelWindowMs,
                splitTimeMs, Actions.EXPLICIT_MASK, ExampleFormat.HEADS, snapshotId, builderVersion);
    }

    /** The same header for the other side of the split. */
    public ExampleHeader withSide(Side s) {
        return new ExampleHeader(version, s, selection, limits, quantizerClip, maxNegatives, labelWindowMs, splitTimeMs,
                labelMask, heads, snapshotId, builderVersion);
    }
}
