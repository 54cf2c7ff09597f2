package io.longview.core.select;

/** The sequence a selected token comes from. The codes are part of the example format; they never change. */
public enum SequencePart {
    /** S_LL, the lifelong explicit actions. */
    LIFELONG(0, "ll"),
    /** S_RT, the newest explicit actions. */
    REALTIME(1, "rt"),
    /** S_imp, the newest impressions without engagement. */
    IMPRESSIONS(2, "imp");

    private static final SequencePart[] BY_CODE = values();
    private final int code;
    private final String shortName;

    SequencePart(int code, String shortName) {
        this.code = code;
        this.shortName = shortName;
    }

    /** The byte stored in formats; also the order of parts among tokens with equal timestamps. */
    public int code() {
        return code;
    }

    /** {@code ll}, {@code rt} or {@code imp}, as in the golden files. */
    public String shortName() {
        return shortName;
    }

    public static SequencePart ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown sequence part code " + code);
        }
        return BY_CODE[code];
    }
}
