package io.longview.data.io;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a raw event log differs from the canonical one of DESIGN §1, so that it imports without a conversion script:
 * other column (or JSON key) names, timestamps in seconds, and other action names.
 *
 * <ul>
 *   <li><b>Columns</b> ({@code --columns user_id=user,item_id=item,timestamp_ms=timestamp,action=behaviour}): the
 *       file's name for each canonical field. When a mapping is given the readers look columns up by name, ignore
 *       columns (keys) that are not mapped, and the {@code surface} column becomes optional (absent: surface 0,
 *       {@code home}). Without one ({@link #CANONICAL}) the header must be exactly the canonical one and a JSON object
 *       may hold no other key: that catches typos such as {@code timestamp} for {@code timestamp_ms}.</li>
 *   <li><b>Timestamp unit</b> ({@code --timestamp-unit ms|s}): seconds are multiplied by 1000; either way the result
 *       must lie in [1995-01-01, 2100-01-01) ({@link Event#checkTimestamp}), else the row is an error naming the value
 *       and the unit.</li>
 *   <li><b>Action map</b> ({@code --action-map pv=click,cart=save,fav=save,buy=save}): names (case-insensitive) to
 *       {@code click|save|hide|impression}, or to {@code skip} to drop such rows. Names not in the map must be the
 *       canonical ones; anything else is an error naming the value and the map.</li>
 * </ul>
 *
 * @param columns   canonical field name → the file's name for it (empty: the canonical names, strictly)
 * @param unit      the unit of the timestamp column
 * @param actionMap lower-case name → action bit, or {@link #SKIP}
 */
public record EventLogDialect(Map<String, String> columns, TimestampUnit unit, Map<String, Byte> actionMap) {
    /** The action-map value of rows to drop. */
    public static final byte SKIP = 0;

    /** The canonical event log: the header and keys of DESIGN §1, epoch milliseconds, canonical action names. */
    public static final EventLogDialect CANONICAL = new EventLogDialect(Map.of(), TimestampUnit.MS, Map.of());

    /** The canonical field names, in the order of the CSV format. */
    public static final List<String> FIELDS = List.of(EventFields.USER, EventFields.ITEM, EventFields.TIMESTAMP,
            EventFields.ACTION, EventFields.SURFACE);

    /** Units of a raw log's timestamps. */
    public enum TimestampUnit {
        MS(1), S(1000);

        private final long toMs;

        TimestampUnit(long toMs) {
            this.toMs = toMs;
        }

        /** Parses {@code ms} or {@code s}. */
        public static TimestampUnit parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "ms" -> MS;
                case "s" -> S;
                default -> throw new IllegalArgumentException("timestamp unit '" + text + "' is not ms or s");
            };
        }
    }

    public EventLogDialect {
        Objects.requireNonNull(unit, "unit");
        Map<String, String> c = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : columns.entrySet()) {
            String field = e.getKey().trim().toLowerCase(Locale.ROOT);
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("column mapping names '" + e.getKey() + "', expected one of " + String.join(", ", FIELDS));
            }
            if (e.getValue().isBlank()) {
                throw new IllegalArgumentException("column mapping for " + field + " is empty");
            }
            c.put(field, e.getValue().trim());
        }
        columns = Map.copyOf(c);
        Map<String, Byte> a = new LinkedHashMap<>();
        for (Map.Entry<String, Byte> e : actionMap.entrySet()) {
            byte bit = e.getValue();
            if (bit != SKIP && (Integer.bitCount(bit & 0xff) != 1 || (bit & ~Actions.ALL_MASK) != 0)) {
                throw new IllegalArgumentException("action map value " + bit + " for '" + e.getKey() + "' is not one action");
            }
            a.put(e.getKey().trim().toLowerCase(Locale.ROOT), bit);
        }
        actionMap = Map.copyOf(a);
    }

    /**
     * Parses {@code --columns} ({@code field=name,…}, may be null), {@code --timestamp-unit} ({@code ms|s}, null: ms)
     * and {@code --action-map} ({@code name=click|save|hide|impression|skip,…}, may be null).
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static EventLogDialect parse(String columns, String unit, String actionMap) {
        Map<String, String> c = pairs(columns, "--columns");
        Map<String, Byte> a = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : pairs(actionMap, "--action-map").entrySet()) {
            String v = e.getValue().toLowerCase(Locale.ROOT);
            a.put(e.getKey(), v.equals("skip") ? SKIP : parseCanonicalAction(v, "--action-map " + e.getKey() + "=" + e.getValue()));
        }
        return new EventLogDialect(c, unit == null ? TimestampUnit.MS : TimestampUnit.parse(unit), a);
    }

    private static byte parseCanonicalAction(String v, String where) {
        try {
            return Actions.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": '" + v + "' is not click, save, hide, impression or skip");
        }
    }

    private static Map<String, String> pairs(String text, String option) {
        Map<String, String> m = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return m;
        }
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw new IllegalArgumentException(option + ": '" + part + "' is not name=value");
            }
            String k = part.substring(0, eq).trim();
            if (m.put(k.toLowerCase(Locale.ROOT), part.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException(option + ": '" + k + "' appears twice");
            }
        }
        return m;
    }

    /** True for the canonical log, read strictly. */
    public boolean strict() {
        return columns.isEmpty();
    }

    /** The file's name for a canonical field. */
    public String column(String field) {
        return columns.getOrDefault(field, field);
    }

    /**
     * The action of a name: the map first, then the canonical names.
     *
     * @return an action bit, or {@link #SKIP} for a row to drop
     * @throws IllegalArgumentException naming the value (and the map, when there is one)
     */
    public byte action(String name) {
        Byte mapped = actionMap.get(name.trim().toLowerCase(Locale.ROOT));
        if (mapped != null) {
            return mapped;
        }
        try {
            return Actions.parse(name);
        } catch (IllegalArgumentException e) {
            if (actionMap.isEmpty()) {
                throw new IllegalArgumentException(e.getMessage() + " (map other names with --action-map, e.g. pv=click,buy=save)", e);
            }
            throw new IllegalArgumentException("action '" + name + "' is neither in the action map " + describeMap()
                    + " nor one of click, save, hide, impression", e);
        }
    }

    /**
     * A timestamp of the file in epoch ms, checked.
     *
     * @throws IllegalArgumentException naming the value and the unit, with a hint when it looks like another unit
     */
    public long timestampMs(long value) {
        if (unit == TimestampUnit.MS) {
            return EventFields.timestamp(value);
        }
        long ms;
        try {
            ms = Math.multiplyExact(value, unit.toMs);
            return Event.checkTimestamp(ms);
        } catch (ArithmeticException | IllegalArgumentException e) {
            String hint = value / 1000 >= Event.MIN_TIMESTAMP_MS / 1000 && value / 1000 < Event.MAX_TIMESTAMP_MS / 1000
                    ? " (this looks like epoch milliseconds: use --timestamp-unit ms)" : "";
            throw new IllegalArgumentException(EventFields.TIMESTAMP + " " + value + " is out of range in epoch seconds "
                    + "(--timestamp-unit s): expected [1995-01-01, 2100-01-01)" + hint, e);
        }
    }

    /** The action map as {@code {name=action, …}}, for messages and manifests. */
    public String describeMap() {
        StringBuilder sb = new StringBuilder("{");
        actionMap.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append(sb.length() > 1 ? ", " : "")
                .append(e.getKey()).append('=').append(e.getValue() == SKIP ? "skip" : Actions.name(e.getValue())));
        return sb.append('}').toString();
    }
}
