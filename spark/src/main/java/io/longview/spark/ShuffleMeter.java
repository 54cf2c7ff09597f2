package io.longview.spark;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Sums the shuffle bytes that finished tasks wrote (the repartition by user): what a cluster moves over its network,
 * reported by {@link SparkExampleJob#main} per event. Spark delivers listener events asynchronously, so read it after
 * the job's last action.
 */
final class ShuffleMeter extends SparkListener {
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong records = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
            written.addAndGet(end.taskMetrics().shuffleWriteMetrics().bytesWritten());
            records.addAndGet(end.taskMetrics().shuffleWriteMetrics().recordsWritten());
        }
    }

    long bytesWritten() {
        return written.get();
    }

    long recordsWritten() {
        return records.get();
    }
}
