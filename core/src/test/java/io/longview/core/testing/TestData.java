package io.longview.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests find their fixtures: the golden files of {@code DESIGN.md} §1–5 ({@code golden/}, written by
 * {@code golden/reference.py}) and a MovieLens sample ({@code movielens-sample/}, see its {@code SAMPLE.md}). Both live
 * in this module's test resources, {@code core/src/test/resources}, so a plain clone has everything its tests read.
 *
 * <p>Other modules see {@code core}'s test classes through the test-jar but not its resource directory as files, so
 * the directory is found by walking up from the working directory (a module directory under Maven, the project root
 * in an IDE) to the project root. Missing fixtures are a failure, never a skip.
 */
public final class TestData {
    private static final Path RESOURCES = Path.of("core", "src", "test", "resources");

    private TestData() {
    }

    /** {@code core/src/test/resources} of this checkout. */
    public static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve(RESOURCES);
            if (Files.isDirectory(c.resolve("golden"))) {
                return c;
            }
        }
        throw new IllegalStateException("cannot find " + RESOURCES + "/golden above " + Path.of("").toAbsolutePath());
    }

    /** A golden file by name, e.g. {@code forward.json}. */
    public static Path golden(String name) {
        return dir().resolve("golden").resolve(name);
    }

    /** The MovieLens sample: {@code ratings.csv} and {@code movies.csv} of users 1–60 of ml-latest-small. */
    public static Path movielensSample() {
        return dir().resolve("movielens-sample");
    }
}
