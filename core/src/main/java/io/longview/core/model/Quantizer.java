package io.longview.core.model;

/**
 * The int8 quantizer of DESIGN §1: {@code q = clamp(rint(e / clip * 127), -127, 127)},
 * {@code e ≈ q * clip / 127}. One global clip per store (default 0.65), kept in the store's header.
 *
 * <p>Rounding is half-to-even ({@link Math#rint}), as numpy's {@code round} in the golden reference. The
 * round-trip error of a value inside {@code [-clip, clip]} is at most {@code clip / 254}.
 */
public final class Quantizer {
    /** The paper's clip. */
    public static final float DEFAULT_CLIP = 0.65f;
    public static final Quantizer DEFAULT = new Quantizer(DEFAULT_CLIP);

    private final float clip;
    private final float toFloat; // clip / 127

    public Quantizer(float clip) {
        if (!(clip > 0) || !Float.isFinite(clip)) {
            throw new IllegalArgumentException("quantization clip must be a positive finite number, got " + clip);
        }
        this.clip = clip;
        this.toFloat = clip / 127f;
    }

    public float clip() {
        return clip;
    }

    /** The value one int8 step stands for ({@code clip / 127}). */
    public float step() {
        return toFloat;
    }

    public byte quantize(float e) {
        // e / clip * 127 as in the reference (dividing first keeps the rounding of halves identical)
        double v = Math.rint((double) e / clip * 127.0);
        return (byte) Math.max(-127, Math.min(127, v));
    }

    /** Quantizes {@code src[0 .. n)} into {@code dst[off .. off+n)}. */
    public void quantize(float[] src, byte[] dst, int off) {
        for (int i = 0; i < src.length; i++) {
            dst[off + i] = quantize(src[i]);
        }
    }

    public byte[] quantize(float[] src) {
        byte[] q = new byte[src.length];
        quantize(src, q, 0);
        return q;
    }

    public float dequantize(byte q) {
        return q * toFloat;
    }

    /** Dequantizes {@code n} values of {@code src} from {@code off} into {@code dst[0 .. n)}. */
    public void dequantize(byte[] src, int off, float[] dst, int n) {
        for (int i = 0; i < n; i++) {
            dst[i] = src[off + i] * toFloat;
        }
    }
}
