package io.longview.core.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian reads and writes of primitive values at byte offsets in a {@code byte[]}: the one way every Longview
 * format (store records, example files, checkpoints, ONNX tensors) touches its bytes. Offsets come from the format's
 * descriptor class; this class only moves bytes. Unaligned offsets are fine; an offset out of range throws
 * {@link IndexOutOfBoundsException}. The one exception to little-endian is a key that must sort numerically under
 * bytewise comparison (RocksDB's default order): {@link #putLongBigEndian} and friends.
 */
public final class LittleEndian {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle F32 = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle F64 = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I64_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    // bulk copies go through MemorySegment.copy: one memcpy on little-endian hardware
    private static final ValueLayout.OfLong LONGS = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOATS = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }

    public static short getShort(byte[] b, int off) {
        return (short) I16.get(b, off);
    }

    /** An unsigned 16-bit value, 0..65535. */
    public static int getU16(byte[] b, int off) {
        return (short) I16.get(b, off) & 0xFFFF;
    }

    public static int getInt(byte[] b, int off) {
        return (int) I32.get(b, off);
    }

    public static long getLong(byte[] b, int off) {
        return (long) I64.get(b, off);
    }

    public static float getFloat(byte[] b, int off) {
        return (float) F32.get(b, off);
    }

    public static double getDouble(byte[] b, int off) {
        return (double) F64.get(b, off);
    }

    /** Writes the low 16 bits of {@code v}. */
    public static void putShort(byte[] b, int off, int v) {
        I16.set(b, off, (short) v);
    }

    public static void putInt(byte[] b, int off, int v) {
        I32.set(b, off, v);
    }

    public static void putLong(byte[] b, int off, long v) {
        I64.set(b, off, v);
    }

    public static void putFloat(byte[] b, int off, float v) {
        F32.set(b, off, v);
    }

    public static void putDouble(byte[] b, int off, double v) {
        F64.set(b, off, v);
    }

    /** Reads {@code n} floats starting at byte {@code off} into {@code dst[dstOff ..]}. */
    public static void getFloats(byte[] b, int off, float[] dst, int dstOff, int n) {
        MemorySegment.copy(MemorySegment.ofArray(b), FLOATS, off, dst, dstOff, n);
    }

    /** Writes {@code n} floats of {@code src[srcOff ..]} starting at byte {@code off}. */
    public static void putFloats(byte[] b, int off, float[] src, int srcOff, int n) {
        MemorySegment.copy(src, srcOff, MemorySegment.ofArray(b), FLOATS, off, n);
    }

    /** Reads {@code n} longs starting at byte {@code off} into {@code dst[dstOff ..]}. */
    public static void getLongs(byte[] b, int off, long[] dst, int dstOff, int n) {
        MemorySegment.copy(MemorySegment.ofArray(b), LONGS, off, dst, dstOff, n);
    }

    /** Writes {@code n} longs of {@code src[srcOff ..]} starting at byte {@code off}. */
    public static void putLongs(byte[] b, int off, long[] src, int srcOff, int n) {
        MemorySegment.copy(src, srcOff, MemorySegment.ofArray(b), LONGS, off, n);
    }

    /** {@code values} as little-endian float32 bytes. */
    public static byte[] ofFloats(float[] values) {
        byte[] b = new byte[Math.multiplyExact(values.length, Float.BYTES)];
        putFloats(b, 0, values, 0, values.length);
        return b;
    }

    /** {@code values} as little-endian int64 bytes. */
    public static byte[] ofLongs(long[] values) {
        byte[] b = new byte[Math.multiplyExact(values.length, Long.BYTES)];
        putLongs(b, 0, values, 0, values.length);
        return b;
    }

    // ---------------------------------------------------------------- big-endian, for keys that sort numerically

    public static long getLongBigEndian(byte[] b, int off) {
        return (long) I64_BE.get(b, off);
    }

    public static void putLongBigEndian(byte[] b, int off, long v) {
        I64_BE.set(b, off, v);
    }

    public static int getIntBigEndian(byte[] b, int off) {
        return (int) I32_BE.get(b, off);
    }

    public static void putIntBigEndian(byte[] b, int off, int v) {
        I32_BE.set(b, off, v);
    }
}
