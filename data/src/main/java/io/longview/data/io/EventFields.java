package io.longview.data.io;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.Surfaces;

/**
 * Checks of single event-log fields shared by the CSV and JSON Lines readers. Each throws
 * {@link IllegalArgumentException} naming the value and what was expected; the readers add file and line.
 */
final class EventFields {
    /** The column names of the event log, in the order of the CSV format. */
    static final String USER = "user_id";
    static final String ITEM = "item_id";
    static final String TIMESTAMP = "timestamp_ms";
    static final String ACTION = "action";
    static final String SURFACE = "surface";

    private EventFields() {
    }

    /**
     * Checks an event timestamp (epoch ms) with {@link Event#checkTimestamp}, adding a hint when the value looks
     * like epoch seconds or microseconds.
     */
    static long timestamp(long ts) {
        try {
            return Event.checkTimestamp(ts);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + unitHint(ts), e);
        }
    }

    /** A hint for a timestamp in the wrong unit, or "". */
    static String unitHint(long ts) {
        if (ts >= Event.MIN_TIMESTAMP_MS / 1000 && ts < Event.MAX_TIMESTAMP_MS / 1000) {
            return " (this looks like epoch seconds: multiply by 1000)";
        }
        if (ts / 1000 >= Event.MIN_TIMESTAMP_MS && ts / 1000 < Event.MAX_TIMESTAMP_MS) {
            return " (this looks like epoch microseconds: divide by 1000)";
        }
        return "";
    }

    /** Parses an action name: {@code click|save|hide|impression}. */
    static byte action(String text) {
        return Actions.parse(text);
    }

    /** Parses a surface: a name ({@code home|search|related|other}) or a number in [0, 16). */
    static byte surface(String text) {
        return (byte) Surfaces.parse(text);
    }

    /** Checks a numeric surface. */
    static byte surface(long value) {
        if (value < 0 || value >= Surfaces.LIMIT) {
            throw new IllegalArgumentException(SURFACE + " " + value + " out of range [0, " + Surfaces.LIMIT + ")");
        }
        return (byte) value;
    }
}
