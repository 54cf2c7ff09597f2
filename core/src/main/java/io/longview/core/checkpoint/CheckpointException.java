package io.longview.core.checkpoint;

import io.longview.core.io.InputException;

import java.nio.file.Path;

/**
 * A checkpoint file that cannot be read: not a checkpoint, an unsupported version, truncated or corrupt, or
 * inconsistent with its own configuration. The message names the file, the offending value and the expected one.
 */
public class CheckpointException extends InputException {
    public CheckpointException(Path file, String reason) {
        super(file, 0, reason);
    }

    public CheckpointException(Path file, String reason, Throwable cause) {
        super(file, 0, reason, cause);
    }
}
