package io.longview.core.model;

import java.util.Locale;

/**
 * The multi-hot action bits of a {@link Token} (DESIGN §1), one byte per token.
 *
 * <pre>
 * bit 0  CLICK        explicit
 * bit 1  SAVE         explicit (the paper's repin)
 * bit 2  HIDE         explicit, negative
 * bit 3  IMPRESSION   shown; a token whose only bit is IMPRESSION was shown and not engaged with
 * </pre>
 *
 * The bit values are part of every binary format and of the golden files; they never change.
 */
public final class Actions {
    public static final byte CLICK = 1;
    public static final byte SAVE = 2;
    public static final byte HIDE = 4;
    public static final byte IMPRESSION = 8;

    /** Bits that make a token explicit (it belongs to S_RT / S_LL, not S_imp). */
    public static final int EXPLICIT_MASK = CLICK | SAVE | HIDE;
    /** Bits that count as positive engagement (Next Action Loss positives). */
    public static final int ENGAGED_MASK = CLICK | SAVE;
    /** All defined bits. */
    public static final int ALL_MASK = EXPLICIT_MASK | IMPRESSION;
    /** Number of action bits, the row count of the model's action embedding table. */
    public static final int COUNT = 4;

    private static final String[] NAMES = {"click", "save", "hide", "impression"};

    private Actions() {
    }

    /** True when the bit set holds at least one explicit action. */
    public static boolean isExplicit(int bits) {
        return (bits & EXPLICIT_MASK) != 0;
    }

    /** True when the bit set holds a click or a save. */
    public static boolean isEngaged(int bits) {
        return (bits & ENGAGED_MASK) != 0;
    }

    /**
     * Parses one action name of the event-log format ({@code click|save|hide|impression}, case-insensitive).
     *
     * @return its bit
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static byte parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(n)) {
                return (byte) (1 << i);
            }
        }
        throw new IllegalArgumentException("unknown action '" + name + "', expected one of click, save, hide, impression");
    }

    /** The name of a single action bit. */
    public static String name(int bit) {
        int i = Integer.numberOfTrailingZeros(bit);
        if (Integer.bitCount(bit) != 1 || i >= COUNT) {
            throw new IllegalArgumentException("not a single action bit: " + bit);
        }
        return NAMES[i];
    }

    /** A readable form of a bit set, e.g. {@code click+save}; {@code -} for none. */
    public static String format(int bits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < COUNT; i++) {
            if ((bits >> i & 1) != 0) {
                if (!sb.isEmpty()) {
                    sb.append('+');
                }
                sb.append(NAMES[i]);
            }
        }
        return sb.isEmpty() ? "-" : sb.toString();
    }
}
