package io.longview.kernels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.CheckpointReader;
import io.longview.core.checkpoint.CheckpointWriter;
import io.longview.core.checkpoint.GoldenWeights;
import io.longview.core.model.Token;
import io.longview.core.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.longview.core.testing.AllClose.assertAllClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scalar forward pass against the float64 reference ({@code golden/forward.json}). */
class ScalarForwardTest {
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    private static JsonNode root;
    private static Checkpoint checkpoint;

    @BeforeAll
    static void load() throws IOException {
        root = new ObjectMapper().readTree(TestData.golden("forward.json").toFile());
        checkpoint = GoldenWeights.checkpoint(root);
    }

    static List<Token> tokens(JsonNode array) {
        List<Token> list = new ArrayList<>();
        for (JsonNode t : array) {
            byte[] q = new byte[Token.EMBEDDING_DIM];
            for (int d = 0; d < q.length; d++) {
                q[d] = (byte) t.get("q").get(d).asInt();
            }
            list.add(new Token(t.get("ts").asLong(), (byte) t.get("actions").asInt(), (byte) t.get("surface").asInt(),
                    t.get("item").asLong(), q));
        }
        return list;
    }

    static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }

    static double[] doubles(JsonNode array) {
        List<Double> out = new ArrayList<>();
        flatten(array, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(JsonNode node, List<Double> out) {
        if (node.isArray()) {
            node.forEach(n -> flatten(n, out));
        } else {
            out.add(node.asDouble());
        }
    }

    private static void checkAllCases(Checkpoint ck) {
        int caseNo = 0;
        for (JsonNode c : root.get("cases")) {
            List<Token> sAll = tokens(c.get("tokens"));
            float[] cand = floats(c.get("candidate"));
            float[] dense = floats(c.get("dense"));
            String where = "case " + caseNo + " (" + sAll.size() + " tokens)";
            int d = ck.config().dModel();
            assertAllClose(where + " encoder output", ScalarForward.encode(ck, sAll, cand), new int[]{sAll.size(), d},
                    doubles(c.get("encoder_output")), new int[]{c.get("encoder_output").size(), d}, RTOL, ATOL);
            assertAllClose(where + " probabilities", ScalarForward.score(ck, sAll, cand, dense), doubles(c.get("probabilities")),
                    RTOL, ATOL);
            caseNo++;
        }
        assertThat(caseNo).isEqualTo(3);
    }

    @Test
    void matchesTheReferenceOnEveryCase() {
        checkAllCases(checkpoint);
    }

    @Test
    void matchesTheReferenceAfterACheckpointRoundTrip(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path file = dir.resolve("forward.lvck");
        CheckpointWriter.write(checkpoint, file);
        checkAllCases(CheckpointReader.read(file));
    }

    @Test
    void rejectsInputsThatDoNotFitTheModel() {
        JsonNode c = root.get("cases").get(1);
        List<Token> sAll = tokens(c.get("tokens"));
        float[] cand = floats(c.get("candidate"));
        assertThatThrownBy(() -> ScalarForward.score(checkpoint, sAll, cand, new float[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dense has 3 values, the model expects 4");
        assertThatThrownBy(() -> ScalarForward.score(checkpoint, sAll, new float[31], new float[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidate has 31 values, the model expects 32");
        List<Token> wide = List.of(new Token(1, (byte) 1, (byte) 9, 1, new byte[32]));
        assertThatThrownBy(() -> ScalarForward.score(checkpoint, wide, cand, new float[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token 0 has surface 9, the model knows 4");
    }
}
