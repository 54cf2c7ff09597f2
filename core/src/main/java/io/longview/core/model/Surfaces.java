package io.longview.core.model;

import java.util.Locale;

/**
 * Where an action happened: a small integer below {@link #LIMIT} (DESIGN §1). Four names are predefined;
 * any other surface is given by its number.
 *
 * <pre>
 * 0 home   1 search   2 related   3 other   4..15 free for the user's own surfaces
 * </pre>
 */
public final class Surfaces {
    /** Surfaces are numbered 0 .. LIMIT-1; the model's surface embedding table has LIMIT rows. */
    public static final int LIMIT = 16;
    public static final int HOME = 0;
    public static final int SEARCH = 1;
    public static final int RELATED = 2;
    public static final int OTHER = 3;

    private static final String[] NAMES = {"home", "search", "related", "other"};

    private Surfaces() {
    }

    /**
     * Parses a surface: one of the names above (case-insensitive) or a number in [0, 16).
     *
     * @throws IllegalArgumentException naming the value
     */
    public static int parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(s)) {
                return i;
            }
        }
        int v;
        try {
            v = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unknown surface '" + text + "', expected home, search, related, other or a number in [0, " + LIMIT + ")");
        }
        return check(v);
    }

    /** Checks that {@code surface} is in [0, 16). */
    public static int check(int surface) {
        if (surface < 0 || surface >= LIMIT) {
            throw new IllegalArgumentException("surface " + surface + " out of range [0, " + LIMIT + ")");
        }
        return surface;
    }

    /** The name of a surface, or its number. */
    public static String name(int surface) {
        return surface < NAMES.length ? NAMES[surface] : Integer.toString(surface);
    }
}
