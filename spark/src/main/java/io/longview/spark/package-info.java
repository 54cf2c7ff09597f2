/**
 * Example building on Apache Spark ({@link io.longview.spark.SparkExampleJob}): the examples module's per-user replay,
 * one range of user hashes per task. The only module with Spark on its classpath (see {@code spark/README.md}).
 */
package io.longview.spark;
