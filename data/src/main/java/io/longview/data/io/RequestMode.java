package io.longview.data.io;

import java.util.Locale;

/** Where an imported log's requests (feed loads with candidates) come from. */
public enum RequestMode {
    /** The log's own impression rows: all impressions of one user at one timestamp are one request. */
    IMPRESSIONS,
    /** The log has no impressions: requests are made from each user's sessions ({@link SessionRequests}). */
    SESSIONS;

    /** Parses {@code impressions} or {@code sessions}. */
    public static RequestMode parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "impressions" -> IMPRESSIONS;
            case "sessions" -> SESSIONS;
            default -> throw new IllegalArgumentException("request mode '" + text + "' is not impressions or sessions");
        };
    }
}
