package io.longview.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Who may call what, and where a reload may read from.
 *
 * <ul>
 *   <li><b>Writes</b> (every route that changes state: {@code POST /v1/events}, {@code PUT /v1/items},
 *       {@code DELETE /v1/users/{id}}) and <b>admin</b> routes ({@code /admin/*}) need
 *       {@code Authorization: Bearer <token>} when a token is configured; <b>reads</b> ({@code POST /v1/rank},
 *       {@code GET} routes) need it too unless {@code publicReads}. Probes ({@code /healthz}, {@code /readyz}) are
 *       always open: load balancers call them. Without a header: 401 with {@code WWW-Authenticate: Bearer}; with a
 *       wrong token: 403. The comparison is constant-time (SHA-256 digests compared with
 *       {@link MessageDigest#isEqual}); the token is never logged or echoed.</li>
 *   <li>A server without a token may only bind a loopback address ({@link #check(String)}): anyone who can reach a
 *       public port could otherwise write into any user's history.</li>
 *   <li><b>Reloads</b> read checkpoints only inside {@code modelDir} (after resolving {@code ..} and symbolic links);
 *       {@code null} means the configured checkpoint's directory.</li>
 * </ul>
 *
 * @param tokenDigest SHA-256 of the token, or null for no token
 * @param publicReads reads need no token
 * @param modelDir    the directory reloads may read from, or null for the checkpoint's directory
 */
public record AccessPolicy(byte[] tokenDigest, boolean publicReads, Path modelDir) {
    /** No token (loopback only), reads and writes open, reloads from the checkpoint's directory. */
    public static final AccessPolicy OPEN = new AccessPolicy(null, true, null);

    /** What a route does, for {@link #decide}. */
    public enum Access { PROBE, READ, WRITE }

    /**
     * Reads a token file once: its content without surrounding whitespace, at least 16 characters.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it (never its content)
     */
    public static byte[] digestOfTokenFile(Path file) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + file + ": " + e.getClass().getSimpleName());
        }
        if (token.length() < 16 || token.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the token file " + file + " must hold one token of at least 16 characters "
                    + "without spaces (e.g. from: openssl rand -hex 32)");
        }
        return sha256(token);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Refuses a server that would accept writes from the network: a non-loopback bind address without a token.
     *
     * @throws IllegalArgumentException saying why and what to do
     */
    public void check(String host) {
        if (tokenDigest != null) {
            return;
        }
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the bind address " + host);
        }
        if (!loopback) {
            throw new IllegalArgumentException("refusing to bind " + host + " without a token: anyone who can reach the port could "
                    + "write into any user's history and reload the model; give --token-file F (bearer token for writes and "
                    + "/admin, and for reads unless --public-reads), or bind 127.0.0.1");
        }
    }

    /**
     * The status a request gets before its handler runs: 0 to go on, 401 or 403.
     *
     * @param access        what the route does
     * @param authorization the {@code Authorization} header, or null
     */
    public int decide(Access access, String authorization) {
        if (tokenDigest == null || access == Access.PROBE || (access == Access.READ && publicReads)) {
            return 0;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return 401;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(authorization.substring(7).strip())) ? 0 : 403;
    }

    /** The directory reloads may read from, for a server whose configured checkpoint is {@code checkpoint}. */
    public Path reloadDir(Path checkpoint) {
        Path d = modelDir != null ? modelDir : checkpoint.toAbsolutePath().normalize().getParent();
        return d == null ? Path.of("/") : d;
    }

    /**
     * Resolves a reload target against the model directory: relative paths are inside it; the real path (symbolic
     * links and {@code ..} resolved) must lie inside the directory's real path.
     *
     * @return the real path of the file (the normalized path when it does not exist)
     * @throws ApiException 403 {@code forbidden} for a path outside
     */
    public Path resolveReload(Path checkpoint, Path requested) {
        Path dir = reloadDir(checkpoint);
        Path target = dir.resolve(requested).normalize();
        Path realDir;
        try {
            realDir = dir.toRealPath();
        } catch (IOException e) {
            throw new ApiException(422, "bad_checkpoint", "checkpoint", "the model directory " + dir + " is not readable");
        }
        if (!target.startsWith(dir)) {
            throw forbidden(requested, dir);
        }
        Path real;
        try {
            real = target.toRealPath();
        } catch (IOException e) {
            return target; // inside the directory but missing or unreadable: loading it fails with the usual 422
        }
        if (!real.startsWith(realDir)) {
            throw forbidden(requested, dir);
        }
        return real;
    }

    private static ApiException forbidden(Path requested, Path dir) {
        return new ApiException(403, "forbidden", "checkpoint", "checkpoint " + requested + " is outside the model directory " + dir
                + " (--model-dir); reloads read only from there");
    }
}
