package io.longview.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.core.select.SelectionConfig;
import io.longview.core.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trips, the golden file, and every way a file can be wrong. */
class CheckpointFormatTest {

    @TempDir
    Path dir;

    private static byte[] golden() throws IOException {
        try (InputStream in = CheckpointFormatTest.class.getResourceAsStream(TestCheckpoints.GOLDEN_V1)) {
            assertThat(in).as("test resource " + TestCheckpoints.GOLDEN_V1).isNotNull();
            return in.readAllBytes();
        }
    }

    /** Recomputes the CRC after a deliberate edit, so that the check behind it is reached. */
    private static void fixCrc(byte[] bytes) {
        int at = (int) CheckpointFormat.crcOffset(bytes.length);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, at);
        ByteBuffer.wrap(bytes).order(CheckpointFormat.ORDER).putInt(at, (int) crc.getValue());
    }

    private static Checkpoint read(byte[] bytes) {
        return CheckpointReader.fromBytes(bytes, Path.of("model.lvck"));
    }

    /** Replaces one metadata text by another of the same byte length, then fixes the CRC. */
    private static byte[] editMetadata(byte[] bytes, String from, String to) {
        assertThat(to.length()).isEqualTo(from.length());
        String all = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = all.indexOf(from);
        assertThat(at).as(from).isGreaterThan(0);
        byte[] out = bytes.clone();
        System.arraycopy(to.getBytes(StandardCharsets.ISO_8859_1), 0, out, at, to.length());
        fixCrc(out);
        return out;
    }

    @Test
    void goldenVersion1FileStaysReadable() throws IOException {
        byte[] bytes = golden();
        Checkpoint c = read(bytes);
        assertThat(c.config()).isEqualTo(TestCheckpoints.tinyConfig());
        assertThat(c.provenance()).isEqualTo(TestCheckpoints.tinyProvenance());
        assertThat(c.provenance().notes().get("comment")).contains("\n").contains("\t").contains("\\").contains("ünïcode");
        List<TensorSpec> specs = c.config().tensorSpecs();
        assertThat(c.tensors().keySet()).containsExactlyElementsOf(specs.stream().map(TensorSpec::name).toList());
        int t = 0;
        for (Tensor tensor : c.tensors().values()) {
            assertThat(tensor.shape()).as(tensor.name()).isEqualTo(specs.get(t).shape());
            float[] v = tensor.values();
            for (int i = 0; i < v.length; i++) {
                assertThat(v[i]).as("%s[%d]", tensor.name(), i).isEqualTo(TestCheckpoints.closedForm(t, i));
            }
            t++;
        }
        // the writer of today produces the same bytes: a layout change must come with a new version and golden file
        assertThat(CheckpointWriter.toBytes(c)).isEqualTo(bytes);
    }

    @Test
    void roundTripsThroughAFile() {
        for (ModelConfig config : List.of(ModelConfig.DEFAULT, TestCheckpoints.tinyConfig(),
                ModelConfig.builder().layers(0).crossLayers(0).mlp(List.of()).denseFeatures(List.of()).heads(List.of("click"))
                        .selection(SelectionConfig.REALTIME_ONLY).seqLength(64).nal(NalConfig.OFF).build(),
                ModelConfig.builder().sequence(false).build())) {
            Checkpoint c = TestCheckpoints.random(config, 7).withProvenance(TestCheckpoints.tinyProvenance().withNote("x", "y=z"));
            Path file = dir.resolve("sub/dir/model.lvck");
            CheckpointWriter.write(c, file);
            Checkpoint back = CheckpointReader.read(file);
            assertThat(back).isEqualTo(c);
            assertThat(back.config()).isEqualTo(config);
            assertThat(CheckpointWriter.toBytes(back)).isEqualTo(CheckpointWriter.toBytes(c));
        }
    }

    @Test
    void writesAtomicallyOverAnOldFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("model.lvck");
        Files.writeString(file, "an old, unrelated file");
        Checkpoint c = TestCheckpoints.tinyCheckpoint();
        CheckpointWriter.write(c, file);
        CheckpointWriter.write(c, file);
        assertThat(CheckpointReader.read(file)).isEqualTo(c);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.lvck");
        }
    }

    @Test
    void defaultConfigurationHasTheDesignShapes() {
        Map<String, int[]> shapes = new HashMap<>();
        for (TensorSpec s : ModelConfig.DEFAULT.tensorSpecs()) {
            shapes.put(s.name(), s.shape());
        }
        int dIn = 64 + 32 + ModelConfig.DEFAULT_DENSE_FEATURES.size();
        assertThat(shapes).hasSize(3 + 2 * 5 + 3 + 2 * 2 + 2 * 2 + 2);
        assertThat(shapes.get("E_act")).containsExactly(4, 64);
        assertThat(shapes.get("E_surf")).containsExactly(16, 64);
        assertThat(shapes.get("E_pos")).containsExactly(192, 64);
        assertThat(shapes.get("layers.1.Wq")).containsExactly(64, 64);
        assertThat(shapes.get("layers.1.W1")).containsExactly(64, 32);
        assertThat(shapes.get("layers.1.W2")).containsExactly(32, 64);
        assertThat(shapes.get("P")).containsExactly(64, 32);
        assertThat(shapes.get("cross.1.W")).containsExactly(dIn, dIn);
        assertThat(shapes.get("mlp.0.W")).containsExactly(dIn, 256);
        assertThat(shapes.get("mlp.1.W")).containsExactly(256, 128);
        assertThat(shapes.get("W_head")).containsExactly(128, 3);
        assertThat(shapes.get("b_head")).containsExactly(3);
    }

    /** The naming scheme is the reference's: every forward.json weight maps onto exactly one tensor of the same shape. */
    @Test
    void referenceWeightsLoadUnderTheNamingScheme() throws IOException {
        JsonNode root = new ObjectMapper().readTree(TestData.golden("forward.json").toFile());
        Checkpoint c = GoldenWeights.checkpoint(root);
        assertThat(c.config().heads()).containsExactly("click", "save", "hide");
        assertThat(c.config().surfaces()).isEqualTo(4);
        assertThat(c.tensor("layers.1.W2").get(3, 5)).isEqualTo((float) root.get("weights").get("layers").get(1).get("W2").get(3).get(5).asDouble());
        assertThat(read(CheckpointWriter.toBytes(c))).isEqualTo(c);
    }

    // ------------------------------------------------------------------------------------------- failures

    @Test
    void rejectsAFileThatIsNotACheckpoint() {
        assertThatThrownBy(() -> read("PK\u0003\u0004 a zip file".getBytes(StandardCharsets.ISO_8859_1)))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.lvck").hasMessageContaining("not a Longview checkpoint")
                .hasMessageContaining("4c 56 43 4b")
                .hasMessageNotContaining("50 4b 03 04"); // never the file's own bytes: a server must not leak a file it was pointed at
        assertThatThrownBy(() -> read(new byte[0])).isInstanceOf(CheckpointException.class).hasMessageContaining("not a Longview checkpoint");
        assertThatThrownBy(() -> CheckpointReader.read(dir.resolve("missing.lvck"))).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("missing.lvck").hasMessageContaining("no such checkpoint file");
    }

    @Test
    void rejectsAnUnknownVersion() throws IOException {
        byte[] b = golden();
        ByteBuffer.wrap(b).order(CheckpointFormat.ORDER).putInt(CheckpointFormat.VERSION_OFFSET, 7);
        assertThatThrownBy(() -> read(b)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("version 7 is not supported, expected 1..1");
    }

    @Test
    void rejectsTruncatedAndExtendedFiles() throws IOException {
        byte[] b = golden();
        for (int keep : new int[]{4, 20, 35, b.length / 2, b.length - 1}) {
            byte[] cut = Arrays.copyOf(b, keep);
            assertThatThrownBy(() -> read(cut)).as("first %d bytes", keep).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("truncated");
        }
        assertThatThrownBy(() -> read(Arrays.copyOf(b, b.length + 3))).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("file has " + (b.length + 3) + " bytes, its header says " + b.length + ": trailing bytes");
    }

    @Test
    void detectsEveryFlippedByteAfterTheHeaderLength() throws IOException {
        byte[] b = golden();
        for (int at = CheckpointFormat.METADATA_LENGTH_OFFSET; at < b.length; at += 7) {
            byte[] bad = b.clone();
            bad[at] ^= 0x10;
            int where = at;
            assertThatThrownBy(() -> read(bad)).as("byte %d flipped", where).isInstanceOf(CheckpointException.class);
        }
        byte[] bad = b.clone();
        bad[b.length - 100] ^= 1;
        assertThatThrownBy(() -> read(bad)).isInstanceOf(CheckpointException.class).hasMessageContaining("CRC32C is")
                .hasMessageContaining("corrupt");
    }

    @Test
    void rejectsBadMetadataNamingKeyAndValue() throws IOException {
        byte[] b = golden();
        assertThatThrownBy(() -> read(editMetadata(b, "config.d_ff=3", "config.d_ff=x")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("config.d_ff is 'x', expected an integer");
        assertThatThrownBy(() -> read(editMetadata(b, "config.layers=1", "config.lay_rs=1")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("metadata key 'config.layers' is missing");
        assertThatThrownBy(() -> read(editMetadata(b, "provenance.seed=42", "provenance.seex=42")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("'provenance.seed' is missing");
        assertThatThrownBy(() -> read(editMetadata(b, "ll_rule=most_recent", "ll_rule=most_rec3nt")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("'most_rec3nt', expected one of nearest, most_recent, random");
        assertThatThrownBy(() -> read(editMetadata(b, "config.clip=0.65", "config.clip=-0.6")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("quantizerClip must be a positive finite number, got -0.6");
        assertThatThrownBy(() -> read(editMetadata(b, "\\n", "\\q")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("unknown escape '\\q'");
        assertThatThrownBy(() -> read(editMetadata(b, "provenance.note.learning_rate", "provenance.note.comment\u0000\u0000\u0000\u0000\u0000\u0000")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("bad metadata");
        assertThatThrownBy(() -> read(editMetadata(b, "config.heads=click,hide", "config.heads=click,h de")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("head name 'h de' must match");
    }

    @Test
    void rejectsTensorsThatDisagreeWithTheConfiguration() throws IOException {
        byte[] b = golden();
        // a smaller feed-forward width in the config: the first FFN tensor no longer fits
        assertThatThrownBy(() -> read(editMetadata(b, "config.d_ff=3", "config.d_ff=2")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor layers.0.W1 has shape (8, 3), the configuration expects (8, 2)");
        // another MLP width
        assertThatThrownBy(() -> read(editMetadata(b, "config.mlp=6,4", "config.mlp=6,9")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("tensor mlp.1.W has shape (6, 4), the configuration expects (6, 9)");
        byte[] count = b.clone();
        ByteBuffer.wrap(count).order(CheckpointFormat.ORDER).putInt(CheckpointFormat.TENSOR_COUNT_OFFSET, 3);
        fixCrc(count);
        assertThatThrownBy(() -> read(count)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("file holds 3 tensors, its configuration requires 19");
        assertThatThrownBy(() -> read(editMetadata(b, "E_surf", "E_surF")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("tensor 1 is named 'E_surF', expected 'E_surf'");
        // a NaN weight
        Checkpoint c = TestCheckpoints.tinyCheckpoint();
        byte[] nan = CheckpointWriter.toBytes(c);
        ByteBuffer.wrap(nan).order(CheckpointFormat.ORDER).putFloat(nan.length - 8, Float.NaN);
        fixCrc(nan);
        assertThatThrownBy(() -> read(nan)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor b_head value 1 is NaN, expected a finite number");
    }

    @Test
    void checkpointConstructorChecksNamesAndShapes() {
        Checkpoint c = TestCheckpoints.tinyCheckpoint();
        List<Tensor> tensors = new ArrayList<>(c.tensors().values());
        Iterator<Tensor> it = tensors.iterator();
        it.next();
        it.remove();
        assertThatThrownBy(() -> Checkpoint.of(c.config(), c.provenance(), tensors))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing tensors [E_act (4, 8)]");
        List<Tensor> extra = new ArrayList<>(c.tensors().values());
        extra.add(Tensor.zeros("layers.9.Wq", 8, 8));
        assertThatThrownBy(() -> Checkpoint.of(c.config(), c.provenance(), extra))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unexpected tensors [layers.9.Wq]");
        List<Tensor> wrong = new ArrayList<>(c.tensors().values());
        wrong.set(0, Tensor.zeros("E_act", 8, 4));
        assertThatThrownBy(() -> Checkpoint.of(c.config(), c.provenance(), wrong))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensor E_act has shape (8, 4), the configuration expects (4, 8)");
        assertThatThrownBy(() -> new Tensor("x", new int[]{2, 3}, new float[5]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 6 values, got 5");
        assertThatThrownBy(() -> c.tensor("nope")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no tensor nope");
    }

    @Test
    void theNoSequenceRankerHasNoEncoderTensors() {
        ModelConfig c = ModelConfig.builder().sequence(false).build();
        assertThat(c.rankerInputDim()).isEqualTo(32 + 5);
        assertThat(c.tensorSpecs()).extracting(TensorSpec::name)
                .containsExactly("cross.0.W", "cross.0.b", "cross.1.W", "cross.1.b", "mlp.0.W", "mlp.0.b", "mlp.1.W", "mlp.1.b",
                        "W_head", "b_head");
    }

    @Test
    void configurationChecksItsValues() {
        assertThatThrownBy(() -> ModelConfig.builder().seqLength(100).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seqLength is 100, expected at least the selection's maximum 192");
        assertThatThrownBy(() -> new ModelConfig(32, 60, 32, 2, 192, List.of("click"), List.of(1.0), List.of(), List.of(), 2, 4, 16, 1e-5,
                0.65f, SelectionConfig.DEFAULT, NalConfig.DEFAULT, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dModel is 60, expected 2 · dEmb = 64");
        assertThatThrownBy(() -> ModelConfig.builder().heads(List.of("click", "click")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("head name 'click' appears twice");
        assertThatThrownBy(() -> ModelConfig.builder().headWeights(List.of(1.0)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 head weights for 3 heads");
        assertThatThrownBy(() -> ModelConfig.builder().surfaces(17).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surfaces is 17, expected 1..16");
        assertThat(ModelConfig.DEFAULT.rankerInputDim()).isEqualTo(64 + 32 + 5);
        assertThat(ModelConfig.DEFAULT.toBuilder().build()).isEqualTo(ModelConfig.DEFAULT);
    }
}
