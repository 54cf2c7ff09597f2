package io.longview.core.io;

import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checked against {@link ByteBuffer} (an independent implementation of the same byte orders). */
class LittleEndianTest {
    @Test
    void scalarValuesMatchByteBufferAtUnalignedOffsets() {
        long seed = Seeds.seed(13);
        SplittableRandom r = Seeds.random(seed);
        for (int trial = 0; trial < 200; trial++) {
            byte[] b = new byte[40];
            int off = r.nextInt(0, 32);
            ByteBuffer ref = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            long v = r.nextLong();
            String m = "seed " + seed + ", offset " + off + ", value " + v;
            LittleEndian.putLong(b, off, v);
            assertThat(ref.getLong(off)).as(m).isEqualTo(v);
            assertThat(LittleEndian.getLong(b, off)).as(m).isEqualTo(v);
            LittleEndian.putInt(b, off, (int) v);
            assertThat(ref.getInt(off)).as(m).isEqualTo((int) v);
            assertThat(LittleEndian.getInt(b, off)).as(m).isEqualTo((int) v);
            LittleEndian.putShort(b, off, (int) v);
            assertThat(ref.getShort(off)).as(m).isEqualTo((short) v);
            assertThat(LittleEndian.getShort(b, off)).as(m).isEqualTo((short) v);
            assertThat(LittleEndian.getU16(b, off)).as(m).isEqualTo((int) v & 0xFFFF);
            float f = Float.intBitsToFloat((int) v);
            LittleEndian.putFloat(b, off, f);
            assertThat(Float.floatToRawIntBits(ref.getFloat(off))).as(m).isEqualTo(Float.floatToRawIntBits(f));
            assertThat(Float.floatToRawIntBits(LittleEndian.getFloat(b, off))).as(m).isEqualTo(Float.floatToRawIntBits(f));
            double d = Double.longBitsToDouble(v);
            LittleEndian.putDouble(b, off, d);
            assertThat(Double.doubleToRawLongBits(ref.getDouble(off))).as(m).isEqualTo(v);
            assertThat(Double.doubleToRawLongBits(LittleEndian.getDouble(b, off))).as(m).isEqualTo(v);
            ByteBuffer big = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
            LittleEndian.putLongBigEndian(b, off, v);
            assertThat(big.getLong(off)).as(m).isEqualTo(v);
            assertThat(LittleEndian.getLongBigEndian(b, off)).as(m).isEqualTo(v);
            LittleEndian.putIntBigEndian(b, off, (int) v);
            assertThat(big.getInt(off)).as(m).isEqualTo((int) v);
            assertThat(LittleEndian.getIntBigEndian(b, off)).as(m).isEqualTo((int) v);
        }
    }

    @Test
    void bulkCopiesMatchByteBuffer() {
        long seed = Seeds.seed(7);
        SplittableRandom r = Seeds.random(seed);
        for (int n : new int[]{0, 1, 7, 13, 31, 207}) {
            float[] f = new float[n];
            long[] l = new long[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) r.nextGaussian();
                l[i] = r.nextLong();
            }
            byte[] b = new byte[3 + 8 * n];
            LittleEndian.putFloats(b, 3, f, 0, n);
            ByteBuffer ref = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            float[] back = new float[n + 2];
            LittleEndian.getFloats(b, 3, back, 2, n);
            for (int i = 0; i < n; i++) {
                assertThat(ref.getFloat(3 + 4 * i)).as("seed %d, n %d, i %d", seed, n, i).isEqualTo(f[i]);
                assertThat(back[2 + i]).isEqualTo(f[i]);
            }
            LittleEndian.putLongs(b, 3, l, 0, n);
            long[] lb = new long[n];
            LittleEndian.getLongs(b, 3, lb, 0, n);
            for (int i = 0; i < n; i++) {
                assertThat(ref.getLong(3 + 8 * i)).as("seed %d, n %d, i %d", seed, n, i).isEqualTo(l[i]);
            }
            assertThat(lb).isEqualTo(l);
            assertThat(LittleEndian.ofFloats(f)).isEqualTo(floatsRef(f));
            assertThat(LittleEndian.ofLongs(l)).isEqualTo(longsRef(l));
        }
    }

    private static byte[] floatsRef(float[] f) {
        ByteBuffer b = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        return b.array();
    }

    private static byte[] longsRef(long[] l) {
        ByteBuffer b = ByteBuffer.allocate(8 * l.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(l);
        return b.array();
    }

    @Test
    void outOfRangeIsAnError() {
        assertThatThrownBy(() -> LittleEndian.getInt(new byte[4], 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> LittleEndian.getFloats(new byte[8], 4, new float[2], 0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
