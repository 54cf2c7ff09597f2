package io.longview.export.onnx;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The wire format against hand-encoded bytes from the protobuf encoding guide. */
class ProtoWriterTest {

    @Test
    void varintFields() {
        // field 1, varint 150: 08 96 01 (the guide's example)
        assertThat(new ProtoWriter().int64(1, 150).toByteArray()).containsExactly(0x08, 0x96, 0x01);
        // negative int64 takes ten bytes
        assertThat(new ProtoWriter().int64(2, -1).toByteArray())
                .containsExactly(0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
        // field 20 needs a two-byte tag: (20 << 3) | 0 = 160 = a0 01
        assertThat(new ProtoWriter().int64(20, 7).toByteArray()).containsExactly(0xa0, 0x01, 0x07);
    }

    @Test
    void lengthDelimitedFields() {
        assertThat(new ProtoWriter().string(2, "testing").toByteArray())
                .containsExactly(0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g');
        ProtoWriter inner = new ProtoWriter().int64(1, 150);
        assertThat(new ProtoWriter().message(3, inner).toByteArray()).containsExactly(0x1a, 0x03, 0x08, 0x96, 0x01);
        assertThat(new ProtoWriter().packedInt64(4, new long[]{3, 270, 86942}).toByteArray())
                .containsExactly(0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05);
    }

    @Test
    void float32IsLittleEndianFixed32() {
        // 1.0f = 0x3f800000, wire type 5
        assertThat(new ProtoWriter().float32(2, 1f).toByteArray()).containsExactly(0x15, 0x00, 0x00, 0x80, 0x3f);
    }

    @Test
    void exportIsDeterministic() {
        var ck = RandomCheckpoints.random(io.longview.core.checkpoint.ModelConfig.DEFAULT, 5);
        assertThat(OnnxExporter.toBytes(ck)).isEqualTo(OnnxExporter.toBytes(ck));
    }
}
