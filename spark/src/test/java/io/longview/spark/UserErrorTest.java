package io.longview.spark;

import io.longview.core.io.InputException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures of the job are the user's (status 2, one message) and which keep their stack trace. */
class UserErrorTest {
    @Test
    void aBadInputInsideSparksTaskFailureIsAUserError() {
        Exception task = new SparkException("Job aborted due to stage failure",
                new IllegalArgumentException("item 7 has no embedding in the catalog"));
        assertThat(SparkExampleJob.userError(task)).isEqualTo("item 7 has no embedding in the catalog");
        assertThat(SparkExampleJob.userError(new InputException(Path.of("events.csv"), 3, "bad action")))
                .contains("events.csv", "bad action");
    }

    @Test
    void aBugIsNot() {
        assertThat(SparkExampleJob.userError(new SparkException("boom", new IllegalStateException("bug")))).isNull();
        assertThat(SparkExampleJob.userError(new NullPointerException())).isNull();
    }
}
