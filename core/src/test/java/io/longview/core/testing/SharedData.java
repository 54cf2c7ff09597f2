package io.longview.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests find {@code ../shared} (golden files, the MovieLens sample): the {@code longview.shared} system
 * property that the build sets, else {@code ../shared} seen from the project root or a module directory.
 * Missing data is a failure, never a skip.
 */
public final class SharedData {
    private SharedData() {
    }

    public static Path dir() {
        String p = System.getProperty("longview.shared");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        for (Path c : new Path[]{Path.of("../shared"), Path.of("../../shared")}) {
            if (Files.isDirectory(c.resolve("golden"))) {
                return c;
            }
        }
        throw new IllegalStateException("cannot find the shared data directory: set -Dlongview.shared=/path/to/shared");
    }

    public static Path golden(String name) {
        return dir().resolve("golden").resolve(name);
    }

    public static Path movielensSmall() {
        return dir().resolve("data").resolve("movielens-small");
    }
}
