package io.longview.serve;

/**
 * A request the service refuses, answered as {@code {"error", "field", "message"}} with an explicit status. Thrown by
 * request parsing and by handlers; the routing layer turns it into the response. Nothing has been applied when one
 * is thrown.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String error;
    private final String field;

    /**
     * @param status  HTTP status (4xx, or 503)
     * @param error   a short machine-readable code ({@code invalid_field}, {@code malformed_json}, …)
     * @param field   the offending field as a path ({@code candidates[3].embedding[7]}), or null
     * @param message what is wrong, naming the value and what was expected
     */
    public ApiException(int status, String error, String field, String message) {
        super(message);
        this.status = status;
        this.error = error;
        this.field = field;
    }

    /** 400 {@code invalid_field} naming {@code field}. */
    public static ApiException invalid(String field, String message) {
        return new ApiException(400, "invalid_field", field, message);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String field() {
        return field;
    }
}
