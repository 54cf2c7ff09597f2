package io.longview.serve;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How {@code longview serve} runs. Start from {@link #defaults(Path)} and change what you need with the withers.
 *
 * @param checkpoint        the checkpoint file ({@code .lvck}) loaded at start; {@code POST /admin/reload} without a
 *                          body re-reads it
 * @param host              interface to bind ({@code 0.0.0.0} for all)
 * @param port              TCP port; 0 picks a free one ({@link LongviewServer#port()} tells which)
 * @param rankConcurrency   {@code /v1/rank} requests computed at once
 * @param rankQueue         {@code /v1/rank} requests allowed to wait for a slot; one more is answered at once with 503
 *                          and {@code Retry-After} (the bounded work queue)
 * @param engineThreads     worker threads the engine spreads one request's candidates over
 * @param maxCandidates     most candidates per rank request (default 2,000)
 * @param maxEvents         most events (or items) per write request (default 10,000)
 * @param maxBodyBytes      largest request body accepted (default 4 MiB); larger ones get 413
 * @param headWeights       the blended score's weight per head: {@code score = Σ_h w_h · p_h}; every name must be a
 *                          head of the model (checked at start and at every reload); heads not named weigh 0
 * @param defaultSequenceLimit tokens per sequence {@code GET /v1/users/{id}/sequence} returns without {@code limit}
 * @param drainTimeout      how long {@link LongviewServer#close()} waits for requests in flight
 * @param retryAfterSeconds the {@code Retry-After} of an overload 503
 * @param access            who may call what, and where reloads may read from ({@link AccessPolicy}); checked against
 *                          {@code host} here: a non-loopback address needs a token
 * @param deadlineMs        a rank request's budget in ms (a request's {@code deadline_ms} may lower it): one that cannot
 *                          start computing within it is answered 503 {@code deadline_exceeded} with {@code Retry-After}
 * @param warmup            at most this long is spent ranking synthetic requests before {@code /readyz} turns 200, and
 *                          before a reloaded model is swapped in; zero: no warm-up
 */
public record ServeConfig(Path checkpoint, String host, int port, int rankConcurrency, int rankQueue, int engineThreads,
                          int maxCandidates, int maxEvents, long maxBodyBytes, Map<String, Double> headWeights,
                          int defaultSequenceLimit, Duration drainTimeout, int retryAfterSeconds,
                          AccessPolicy access, int deadlineMs, Duration warmup) {

    /** click 1, save 2, hide −3: engagement up, hides strongly down. */
    public static final Map<String, Double> DEFAULT_HEAD_WEIGHTS = Map.of("click", 1.0, "save", 2.0, "hide", -3.0);

    public ServeConfig {
        if (checkpoint == null) {
            throw new IllegalArgumentException("a checkpoint file is required");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be set, got '" + host + "'");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        atLeast("rank concurrency", rankConcurrency, 1);
        atLeast("rank queue", rankQueue, 0);
        atLeast("engine threads", engineThreads, 1);
        atLeast("max candidates", maxCandidates, 1);
        atLeast("max events", maxEvents, 1);
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("max body size must be ≥ 1 byte, got " + maxBodyBytes);
        }
        headWeights = Map.copyOf(headWeights);
        headWeights.forEach((head, w) -> {
            if (w == null || !Double.isFinite(w)) {
                throw new IllegalArgumentException("weight of head " + head + " is " + w + ", expected a finite number");
            }
        });
        atLeast("default sequence limit", defaultSequenceLimit, 0);
        if (drainTimeout == null || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drain timeout must be ≥ 0, got " + drainTimeout);
        }
        atLeast("Retry-After seconds", retryAfterSeconds, 1);
        if (access == null) {
            throw new IllegalArgumentException("an access policy is required (AccessPolicy.OPEN for a loopback server without a token)");
        }
        access.check(host);
        atLeast("deadline ms", deadlineMs, 1);
        if (warmup == null || warmup.isNegative()) {
            throw new IllegalArgumentException("warm-up must be ≥ 0, got " + warmup);
        }
    }

    private static void atLeast(String what, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(what + " must be ≥ " + min + ", got " + v);
        }
    }

    /**
     * Port 8080 on localhost, 2 rank slots with 16 waiting, one engine thread per processor, 2,000 candidates,
     * 10,000 events, 4 MiB bodies, {@link #DEFAULT_HEAD_WEIGHTS}, 100 tokens per sequence, 30 s drain, Retry-After 1,
     * open access (loopback only), a 500 ms rank deadline, at most 10 s of warm-up.
     */
    public static ServeConfig defaults(Path checkpoint) {
        return new ServeConfig(checkpoint, "127.0.0.1", 8080, 2, 16, Runtime.getRuntime().availableProcessors(), 2000,
                10_000, 4L << 20, DEFAULT_HEAD_WEIGHTS, 100, Duration.ofSeconds(30), 1, AccessPolicy.OPEN, 500,
                Duration.ofSeconds(10));
    }

    /**
     * Parses head weights written as {@code click=1,save=2,hide=-3}.
     *
     * @throws IllegalArgumentException naming the malformed part
     */
    public static Map<String, Double> parseHeadWeights(String text) {
        java.util.LinkedHashMap<String, Double> out = new java.util.LinkedHashMap<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("head weight '" + p + "' must look like name=number, e.g. click=1");
            }
            String name = p.substring(0, eq).trim();
            double w;
            try {
                w = Double.parseDouble(p.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("head weight '" + p + "': '" + p.substring(eq + 1).trim() + "' is not a number");
            }
            if (out.put(name, w) != null) {
                throw new IllegalArgumentException("head " + name + " has two weights in '" + text + "'");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no head weights in '" + text + "', expected e.g. click=1,save=2,hide=-3");
        }
        return out;
    }

    public ServeConfig withCheckpoint(Path v) {
        return new ServeConfig(v, host, port, rankConcurrency, rankQueue, engineThreads, maxCandidates, maxEvents, maxBodyBytes, headWeights, defaultSequenceLimit, drainTimeout, retryAfterSeconds, access, deadlineMs, warmup);
    }

    public ServeConfig withHost(String v) {
        return new ServeConfig(checkpoint, v, port, rankConcurrency, rankQueue, engineThreads, maxCandidates, maxEvents, maxBodyBytes, headWeights, defaultSequenceLimit, drainTimeout, retryAfterSeconds, access, deadlineMs, warmup);
    }

    public ServeConfig withPort(int v) {
        return new ServeConfig(checkpoint, host, v, rankConcurrency, rankQueue, engineThreads, maxCandidates, maxEvents, maxBodyBytes, headWeights, defaultSequenceLimit, drainTimeout, retryAfterSeconds, access, deadlineMs, warmup);
    }

    public ServeConfig withRankConcurrency(int v) {
        return new ServeConfig(checkpoint, host, port, v, rankQueue, engineThreads, maxCandidates, maxEvents, maxBodyBytes, headWeights, defaultSequenceLimit, drainTimeout, retryAfterSeconds, access, deadlineMs, warmup);
    }

    public ServeConfig withRankQueue(int v) {
        return new ServeConfig(checkpoint, host, port, rankConcurrency, v, engineThreads, maxCandidates, maxEvents, maxBodyBytes, headWeights, defaultSequenceLimit, drainTimeout, retryAfterSeconds, access, deadlineMs, warmup);
    }

    public ServeConfig withEngineThreads(int v) {
        return new ServeConfig(checkpoint, host, port, rankConcurrency, rankQueue, v, maxCandidates, maxEvents, maxBodyBytes, headWeights, defaultSequenceLimit, drainTimeout, retryAfterSeconds, access, deadlineMs, warmup);
    }

    public ServeConfig withMaxCandidates(int v) {
        return new ServeConfig(checkpoint, host, port, rankConcurrency, rankQueue, engineThreads, v, maxEvents, maxBodyBytes, headWeights, defaultSequenceLimit, drainTimeout, retryAfterSeconds, access, deadlineMs, warmup);
    }

    public ServeConfig withMaxEvents(int v) {
        return new ServeConfig(checkpoint, host, port, rankConcurrency, rankQueue, engineThreads, maxCandidates, v, maxBodyBytes, headWeights, defaultSequenceLimit, drainTimeout, retryAfterSeconds, access, deadlineMs, warmup);
    }

    public ServeConfig withMaxBodyBytes(long v) {
        return new ServeConfig(checkpoint, host, port, rankConcurrency, rankQueue, engineThreads, maxCandidates, maxEvents, v, headWeights, defaultSequenceLimit, drainTimeout, retryAfterSeconds, access, deadlineMs, warmup);
    }

    public ServeConfig withHeadWeights(Map<String, Double> v) {
        return new ServeConfig(checkpoint, host, port, rankConcurrency, rankQueue, engineThreads, maxCandidates, maxEvents, maxBodyBytes, v, defaultSequenceLimit, drainTimeout, retryAfterSeconds, access, deadlineMs, warmup);
    }

    public ServeConfig withDefaultSequenceLimit(int v) {
        return new ServeConfig(checkpoint, host, port, rankConcurrency, rankQueue, engineThreads, maxCandidates, maxEvents, maxBodyBytes, headWeights, v, drainTimeout, retryAfterSeconds, access, deadlineMs, warmup);
    }

    public ServeConfig withDrainTimeout(Duration v) {
        return new ServeConfig(checkpoint, host, port, rankConcurrency, rankQueue, engineThreads, maxCandidates, maxEvents, maxBodyBytes, headWeights, defaultSequenceLimit, v, retryAfterSeconds, access, deadlineMs, warmup);
    }

    public ServeConfig withRetryAfterSeconds(int v) {
        return new ServeConfig(checkpoint, host, port, rankConcurrency, rankQueue, engineThreads, maxCandidates, maxEvents, maxBodyBytes, headWeights, defaultSequenceLimit, drainTimeout, v, access, deadlineMs, warmup);
    }

    public ServeConfig withAccess(AccessPolicy v) {
        return new ServeConfig(checkpoint, host, port, rankConcurrency, rankQueue, engineThreads, maxCandidates, maxEvents, maxBodyBytes, headWeights, defaultSequenceLimit, drainTimeout, retryAfterSeconds, v, deadlineMs, warmup);
    }

    public ServeConfig withDeadlineMs(int v) {
        return new ServeConfig(checkpoint, host, port, rankConcurrency, rankQueue, engineThreads, maxCandidates, maxEvents, maxBodyBytes, headWeights, defaultSequenceLimit, drainTimeout, retryAfterSeconds, access, v, warmup);
    }

    public ServeConfig withWarmup(Duration v) {
        return new ServeConfig(checkpoint, host, port, rankConcurrency, rankQueue, engineThreads, maxCandidates, maxEvents, maxBodyBytes, headWeights, defaultSequenceLimit, drainTimeout, retryAfterSeconds, access, deadlineMs, v);
    }
}
