package io.longview.core.select;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.core.testing.TestData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The selector against the independent float64 reference ({@code golden/selection.json}). */
class GoldenSelectionTest {

    static TokenSequence tokens(JsonNode array) {
        List<Token> list = new ArrayList<>();
        for (JsonNode t : array) {
            byte[] q = new byte[Token.EMBEDDING_DIM];
            for (int d = 0; d < q.length; d++) {
                q[d] = (byte) t.get("q").get(d).asInt();
            }
            list.add(new Token(t.get("ts").asLong(), (byte) t.get("actions").asInt(), (byte) t.get("surface").asInt(), t.get("item").asLong(), q));
        }
        return TokenSequence.of(list);
    }

    static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }

    @Test
    void selectsExactlyTheReferenceTokensInTheReferenceOrder() throws IOException {
        JsonNode root = new ObjectMapper().readTree(TestData.golden("selection.json").toFile());
        SelectionConfig config = new SelectionConfig(root.get("k_ll").asInt(), root.get("r").asInt(), root.get("k_rt").asInt(),
                root.get("k_imp").asInt(), SelectionRule.NEAREST);
        assertThat(config).isEqualTo(SelectionConfig.DEFAULT);
        CandidateSelector selector = new CandidateSelector(config);
        Selection out = selector.newSelection();
        int caseNo = 0;
        for (JsonNode c : root.get("cases")) {
            UserSequences user = new UserSequences(1, tokens(c.get("rt")), tokens(c.get("ll")), tokens(c.get("imp")));
            selector.select(PreparedHistory.of(user), floats(c.get("candidate")), 0, out);
            List<String> actual = new ArrayList<>();
            for (int i = 0; i < out.size(); i++) {
                actual.add(out.part(i).shortName() + ":" + out.index(i));
            }
            List<String> expected = new ArrayList<>();
            for (JsonNode e : c.get("expected")) {
                expected.add(e.get("part").asText() + ":" + e.get("index").asInt());
            }
            assertThat(actual).as("case %d (ll %d, rt %d, imp %d)", caseNo, c.get("ll").size(), c.get("rt").size(), c.get("imp").size())
                    .containsExactlyElementsOf(expected);
            caseNo++;
        }
        assertThat(caseNo).isEqualTo(5);
    }
}
