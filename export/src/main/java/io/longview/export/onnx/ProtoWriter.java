package io.longview.export.onnx;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal protocol-buffers encoder (proto2 wire format): varint, 32-bit and length-delimited fields, enough to write
 * the ONNX messages of {@link OnnxProto}. Fields are written in call order; a nested message is encoded into its own
 * writer and appended with {@link #message}.
 *
 * <pre>
 * tag    = varint(field_number &lt;&lt; 3 | wire_type)     wire types: 0 varint, 2 length-delimited, 5 fixed32
 * varint = 7 bits per byte, least significant group first, high bit set on all but the last byte
 * int64  = varint of the two's-complement value (negative values take 10 bytes)
 * bytes  = varint(length) then the bytes; strings are UTF-8, nested messages their encoding
 * </pre>
 *
 * Not thread-safe; one writer per message.
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;

    private byte[] buf = new byte[64];
    private int size;

    /** {@code int64}/{@code int32}/enum field. */
    ProtoWriter int64(int field, long value) {
        tag(field, VARINT);
        varint(value);
        return this;
    }

    /** {@code string} field (UTF-8). */
    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code bytes} field. */
    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        varint(value.length);
        put(value, 0, value.length);
        return this;
    }

    /** An embedded message field. */
    ProtoWriter message(int field, ProtoWriter message) {
        tag(field, LENGTH_DELIMITED);
        varint(message.size);
        put(message.buf, 0, message.size);
        return this;
    }

    /** A {@code float} field (wire type 5, little-endian IEEE 754). */
    ProtoWriter float32(int field, float value) {
        tag(field, 5);
        int bits = Float.floatToRawIntBits(value);
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (bits >>> (8 * i));
        }
        return this;
    }

    /** A packed {@code repeated int64} field. */
    ProtoWriter packedInt64(int field, long[] values) {
        ProtoWriter p = new ProtoWriter();
        for (long v : values) {
            p.varint(v);
        }
        tag(field, LENGTH_DELIMITED);
        varint(p.size);
        put(p.buf, 0, p.size);
        return this;
    }

    /** The encoded bytes so far (a copy). */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    int size() {
        return size;
    }

    private void tag(int field, int wireType) {
        assert field > 0 : field;
        varint((long) field << 3 | wireType);
    }

    private void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    private void put(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, buf, size, len);
        size += len;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) size + extra);
            if (want > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("protobuf message exceeds 2 GiB");
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }
}
