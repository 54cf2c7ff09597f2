package io.longview.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.longview.train.Close.assertAllClose;

/** The model and losses against the float64 reference ({@code golden/forward.json}), rtol 1e-4, atol 1e-5. */
class GoldenForwardTest {
    static final double RTOL = 1e-4;
    static final double ATOL = 1e-5;
    static Golden golden;
    static TransActModel model;

    @BeforeAll
    static void load() {
        golden = Golden.load();
        model = new TransActModel(golden.config, 1);
        golden.loadWeights(model);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void allCasesInOneBatch() {
        List<JsonNode> cases = golden.cases();
        Batch batch = Batch.allocate(golden.config, cases.size(), 16);
        for (int b = 0; b < cases.size(); b++) {
            golden.fill(batch, b, cases.get(b));
        }
        int t = golden.config.seqLength();
        int d = golden.config.dModel();
        int h = golden.config.heads().size();
        try (NDManager step = model.manager().newSubManager()) {
            ForwardOutput out = model.forward(step, batch);
            float[] probs = out.probabilities().toFloatArray();
            float[] z = out.encoderOutput().toFloatArray();
            float[] bce = Losses.bce(step, out.logits(), batch).toFloatArray();
            for (int b = 0; b < cases.size(); b++) {
                JsonNode c = cases.get(b);
                assertAllClose("case " + b + " probabilities", Arrays.copyOfRange(probs, b * h, (b + 1) * h),
                        Golden.doubles(c.get("probabilities")), RTOL, ATOL);
                assertAllClose("case " + b + " bce", Arrays.copyOfRange(bce, b * h, (b + 1) * h),
                        Golden.doubles(c.get("bce")), RTOL, ATOL);
                int n = batch.lengths()[b];
                assertAllClose("case " + b + " encoder_output", Arrays.copyOfRange(z, b * t * d, (b * t + n) * d),
                        Golden.doubles(c.get("encoder_output")), RTOL, ATOL);
            }
        }
    }

    @Test
    void nextActionLossPerCase() {
        for (JsonNode c : golden.cases()) {
            Batch batch = Batch.allocate(golden.config, 1, 16);
            golden.fill(batch, 0, c);
            try (NDManager step = model.manager().newSubManager()) {
                ForwardOutput out = model.forward(step, batch);
                float nal = Losses.nextAction(step, out.encoderOutput(), model.parameters().get("P"), batch).getFloat();
                assertAllClose("nal of the case with " + batch.lengths()[0] + " tokens", new float[]{nal},
                        new double[]{c.get("nal").asDouble()}, RTOL, ATOL);
            }
        }
    }
}
