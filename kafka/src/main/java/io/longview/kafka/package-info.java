/**
 * Kafka ingest: events consumed from a Kafka topic (JSON, the event-log fields, key = user id) into the sequence
 * store, with offsets committed only after the append that holds them is durable, and poison records sent to a
 * dead-letter topic. See {@link io.longview.kafka.KafkaEventIngest}.
 */
package io.longview.kafka;
