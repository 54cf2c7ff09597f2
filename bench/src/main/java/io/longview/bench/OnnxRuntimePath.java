package io.longview.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.model.UserSequences;
import io.longview.core.select.CandidateSelector;
import io.longview.core.select.PreparedHistory;
import io.longview.core.select.Selection;
import io.longview.export.onnx.OnnxExporter;
import io.longview.export.onnx.OnnxInputs;
import io.longview.kernels.engine.RankingEngine;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Path (c): ONNX Runtime on the exported model ({@link OnnxExporter}), fed by our selection: the history is prepared
 * once per request ({@link PreparedHistory}), each candidate's S_all is chosen by core's {@link CandidateSelector}
 * (spread over the worker threads), and one session run scores the whole batch, padded to the longest selection.
 */
public final class OnnxRuntimePath implements RankPath {
    private final ModelConfig config;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final CandidateSelector selector;
    private final Workers workers;
    private final Selection[] selections;

    public OnnxRuntimePath(Checkpoint checkpoint, int threads) {
        this.config = checkpoint.config();
        this.env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(OnnxExporter.toBytes(checkpoint), options);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the exported model: " + e.getMessage(), e);
        }
        this.selector = new CandidateSelector(config.selection());
        this.workers = new Workers(threads);
        this.selections = new Selection[threads];
        for (int i = 0; i < threads; i++) {
            selections[i] = selector.newSelection();
        }
    }

    @Override
    public String id() {
        return "c";
    }

    @Override
    public String description() {
        return "ONNX Runtime on the exported graph, fed by core selection";
    }

    @Override
    public float[] rank(SyntheticRequest r, StageNanos stages) {
        int n = r.n();
        int e = config.dEmb();
        int heads = config.heads().size();
        if (n == 0) {
            return new float[0];
        }
        long t0 = System.nanoTime();
        UserSequences user = r.user();
        int maxLen = config.selection().maxLength();
        byte[] parts = new byte[n * maxLen];   // (n, maxLen) part codes
        int[] indices = new int[n * maxLen];   // (n, maxLen) newest-first indices
        int[] lengths = new int[n];
        if (config.sequence()) {
            PreparedHistory prepared = PreparedHistory.of(user);
            workers.forEachChunk(n, (worker, from, to) -> {
                Selection s = selections[worker];
                float[] cand = new float[e];
                for (int i = from; i < to; i++) {
                    System.arraycopy(r.candidates(), i * e, cand, 0, e);
                    selector.select(prepared, cand, RankingEngine.salt(r.requestTimeMs(), i), s);
                    lengths[i] = s.size();
                    for (int k = 0; k < s.size(); k++) {
                        parts[i * maxLen + k] = (byte) s.partCode(k);
                        indices[i * maxLen + k] = s.index(k);
                    }
                }
            });
        }
        int seq = 1;
        for (int len : lengths) {
            seq = Math.max(seq, len);
        }
        OnnxInputs in = new OnnxInputs(config, n, seq);
        float[] dense = r.dense();
        int finalSeq = seq;
        workers.forEachChunk(n, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                for (int k = 0; k < lengths[i]; k++) {
                    in.setToken(i, k, Selection.sequenceOf(user, parts[i * maxLen + k]), indices[i * maxLen + k]);
                }
                if (config.sequence()) {
                    in.setLength(i, lengths[i]);
                }
                in.setCandidate(i, r.candidates(), i * e);
                in.setDense(i, dense, 0);
            }
        });
        assert finalSeq == in.seq();
        long t1 = System.nanoTime();
        float[] out = run(in);
        long t2 = System.nanoTime();
        stages.selection = t1 - t0;
        stages.forward = t2 - t1;
        assert out.length == n * heads;
        return out;
    }

    private float[] run(OnnxInputs in) {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (String name : OnnxExporter.inputNames(config)) {
                long[] shape = in.shape(name);
                feeds.put(name, switch (name) {
                    case OnnxExporter.TOKENS -> OnnxTensor.createTensor(env, FloatBuffer.wrap(in.tokens()), shape);
                    case OnnxExporter.ACTIONS -> OnnxTensor.createTensor(env, FloatBuffer.wrap(in.actions()), shape);
                    case OnnxExporter.SURFACES -> OnnxTensor.createTensor(env, LongBuffer.wrap(in.surfaces()), shape);
                    case OnnxExporter.LENGTHS -> OnnxTensor.createTensor(env, LongBuffer.wrap(in.lengths()), shape);
                    case OnnxExporter.CANDIDATE -> OnnxTensor.createTensor(env, FloatBuffer.wrap(in.candidate()), shape);
                    case OnnxExporter.DENSE -> OnnxTensor.createTensor(env, FloatBuffer.wrap(in.dense()), shape);
                    default -> throw new IllegalStateException("unexpected input " + name);
                });
            }
            try (OrtSession.Result result = session.run(feeds)) {
                FloatBuffer fb = ((OnnxTensor) result.get(OnnxExporter.PROBABILITIES).orElseThrow()).getFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                return v;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        workers.close();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
