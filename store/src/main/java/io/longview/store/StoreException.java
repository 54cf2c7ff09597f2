package io.longview.store;

/**
 * A sequence store cannot do what was asked, for a reason outside the caller's arguments: the directory is not a
 * store, is locked by another process, is corrupt, or the disk failed. The message says what happened and, where
 * there is one, what to do about it; the cause keeps the underlying (usually RocksDB) failure.
 *
 * <p>Bad arguments (an unknown item, an embedding of the wrong width, limits that disagree with the store's header)
 * are {@link IllegalArgumentException}s instead.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
