package io.longview.export.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.model.Token;
import io.longview.core.testing.AllClose;
import io.longview.core.testing.Seeds;
import io.longview.kernels.ScalarForward;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs the exported graph with ONNX Runtime and compares it with the scalar reference forward pass (an independent
 * implementation, STYLE 14) on seeded random checkpoints: empty, short, full and mixed sequences, B = 1 and 7, with
 * junk in the padded rows (padding must not reach real positions).
 */
class OnnxExporterTest {
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    private static OrtEnvironment env;

    @BeforeAll
    static void environment() {
        env = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void close() {
        // the environment is a process-wide singleton; closing it would break other tests in this JVM
    }

    @ParameterizedTest(name = "{0}: B={1}, T={2}")
    @CsvSource({
            "empty, 1, 1", "empty, 7, 192", "empty, 7, 5",
            "short, 1, 9", "short, 7, 12", "short, 7, 192",
            "full, 1, 192", "full, 7, 192",
            "mixed, 7, 192", "mixed, 7, 100"})
    void defaultModelMatchesScalarForward(String lengths, int batch, int seq) throws OrtException {
        long seed = Seeds.seed(20261125L) + lengths.hashCode() * 31L + batch * 7L + seq;
        Checkpoint ck = RandomCheckpoints.random(ModelConfig.DEFAULT, seed);
        compare(ck, lengths, batch, seq, seed);
    }

    @Test
    void smallVariantsMatchScalarForward() throws OrtException {
        long seed = Seeds.seed(7L);
        List<ModelConfig> configs = List.of(
                ModelConfig.DEFAULT.toBuilder().layers(1).crossLayers(0).mlp(List.of()).denseFeatures(List.of()).build(),
                ModelConfig.DEFAULT.toBuilder().layers(3).dFf(16).crossLayers(1).mlp(List.of(17)).heads(List.of("click")).build(),
                ModelConfig.DEFAULT.toBuilder().layers(0).layerNormEps(1e-3).build());
        for (ModelConfig c : configs) {
            compare(RandomCheckpoints.random(c, seed), "mixed", 7, c.seqLength(), seed);
            compare(RandomCheckpoints.random(c, seed + 1), "short", 1, 20, seed + 1);
        }
    }

    @ParameterizedTest(name = "no-sequence ranker, B={0}")
    @CsvSource({"1", "7"})
    void noSequenceRankerMatchesScalarForward(int batch) throws OrtException {
        long seed = Seeds.seed(99L) + batch;
        ModelConfig c = ModelConfig.DEFAULT.toBuilder().sequence(false).build();
        Checkpoint ck = RandomCheckpoints.random(c, seed);
        assertThat(OnnxExporter.inputNames(c)).containsExactly(OnnxExporter.CANDIDATE, OnnxExporter.DENSE);
        compare(ck, "empty", batch, 1, seed);
    }

    @Test
    void writesAFileThatLoads(@TempDir Path dir) throws Exception {
        Checkpoint ck = RandomCheckpoints.random(ModelConfig.DEFAULT, 3);
        Path file = dir.resolve("sub/model.onnx");
        OnnxExporter.write(ck, file);
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertThat(s.getInputNames()).containsExactlyInAnyOrderElementsOf(OnnxExporter.inputNames(ck.config()));
            assertThat(s.getOutputNames()).containsExactly(OnnxExporter.PROBABILITIES);
            assertThat(s.getMetadata().getCustomMetadata()).containsEntry("longview.heads", "click,save,hide");
        }
        assertThat(Files.list(dir.resolve("sub"))).hasSize(1);
    }

    @Test
    void inputsRejectWhatTheModelDoesNotKnow() {
        OnnxInputs in = new OnnxInputs(ModelConfig.DEFAULT, 2, 4);
        assertThatThrownBy(() -> in.setLength(0, 5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..4");
        assertThatThrownBy(() -> new OnnxInputs(ModelConfig.DEFAULT, 1, 193)).hasMessageContaining("1..192");
    }

    /** Random rows of the given kind, scored by ONNX Runtime and by ScalarForward. */
    private static void compare(Checkpoint ck, String kind, int batch, int seq, long seed) throws OrtException {
        ModelConfig c = ck.config();
        SplittableRandom rnd = new SplittableRandom(seed);
        OnnxInputs in = new OnnxInputs(c, batch, seq);
        fillJunk(in, rnd);
        List<List<Token>> rows = new ArrayList<>();
        float[] candidates = new float[batch * c.dEmb()];
        float[] dense = new float[batch * c.denseDim()];
        for (int b = 0; b < batch; b++) {
            int n = switch (kind) {
                case "empty" -> 0;
                case "short" -> 1 + rnd.nextInt(Math.min(seq, 10));
                case "full" -> seq;
                default -> b % 3 == 0 ? 0 : b % 3 == 1 ? seq : rnd.nextInt(seq + 1);
            };
            if (!c.sequence()) {
                n = 0;
            }
            List<Token> tokens = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                byte[] q = new byte[Token.EMBEDDING_DIM];
                for (int j = 0; j < q.length; j++) {
                    q[j] = (byte) (rnd.nextInt(255) - 127);
                }
                Token tok = new Token(1000L + t, (byte) (1 + rnd.nextInt(15)), (byte) rnd.nextInt(c.surfaces()), t, q);
                tokens.add(tok);
                in.setToken(b, t, tok);
            }
            rows.add(tokens);
            if (c.sequence()) {
                in.setLength(b, n);
            }
            for (int j = 0; j < c.dEmb(); j++) {
                candidates[b * c.dEmb() + j] = (float) (rnd.nextGaussian() * 0.3);
            }
            for (int j = 0; j < c.denseDim(); j++) {
                dense[b * c.denseDim() + j] = (float) rnd.nextDouble(0, 8);
            }
            in.setCandidate(b, candidates, b * c.dEmb());
            in.setDense(b, dense, b * c.denseDim());
        }
        float[] actual = run(ck, in);
        double[] expected = new double[batch * c.heads().size()];
        for (int b = 0; b < batch; b++) {
            float[] p = ScalarForward.score(ck, rows.get(b), java.util.Arrays.copyOfRange(candidates, b * c.dEmb(), (b + 1) * c.dEmb()),
                    java.util.Arrays.copyOfRange(dense, b * c.denseDim(), (b + 1) * c.denseDim()));
            for (int h = 0; h < p.length; h++) {
                expected[b * p.length + h] = p[h];
            }
        }
        int[] shape = {batch, c.heads().size()};
        AllClose.assertAllClose(kind + " B=" + batch + " T=" + seq + " seed " + seed + " " + c, actual, shape, expected, shape, RTOL, ATOL);
    }

    /** Finite junk in every token slot (the real rows overwrite theirs); padded surfaces stay valid ids. */
    private static void fillJunk(OnnxInputs in, SplittableRandom rnd) {
        float[] t = in.tokens();
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) (rnd.nextGaussian() * 5);
        }
        float[] a = in.actions();
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextInt(2);
        }
        long[] s = in.surfaces();
        for (int i = 0; i < s.length; i++) {
            s[i] = rnd.nextInt(in.config().surfaces());
        }
    }

    static float[] run(Checkpoint ck, OnnxInputs in) throws OrtException {
        byte[] model = OnnxExporter.toBytes(ck);
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> feeds = new HashMap<>();
            try {
                for (String name : OnnxExporter.inputNames(ck.config())) {
                    long[] shape = in.shape(name);
                    OnnxTensor t = switch (name) {
                        case OnnxExporter.TOKENS -> OnnxTensor.createTensor(env, FloatBuffer.wrap(in.tokens()), shape);
                        case OnnxExporter.ACTIONS -> OnnxTensor.createTensor(env, FloatBuffer.wrap(in.actions()), shape);
                        case OnnxExporter.SURFACES -> OnnxTensor.createTensor(env, LongBuffer.wrap(in.surfaces()), shape);
                        case OnnxExporter.LENGTHS -> OnnxTensor.createTensor(env, LongBuffer.wrap(in.lengths()), shape);
                        case OnnxExporter.CANDIDATE -> OnnxTensor.createTensor(env, FloatBuffer.wrap(in.candidate()), shape);
                        case OnnxExporter.DENSE -> OnnxTensor.createTensor(env, FloatBuffer.wrap(in.dense()), shape);
                        default -> throw new IllegalStateException(name);
                    };
                    feeds.put(name, t);
                }
                try (OrtSession.Result r = session.run(feeds)) {
                    OnnxTensor out = (OnnxTensor) r.get(OnnxExporter.PROBABILITIES).orElseThrow();
                    assertThat(out.getInfo().getShape()).containsExactly(in.batch(), ck.config().heads().size());
                    FloatBuffer fb = out.getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    return v;
                }
            } finally {
                feeds.values().forEach(OnnxTensor::close);
            }
        }
    }
}
