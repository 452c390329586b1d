package io.fnscope.collector;

/**
 * Why items (spans, metric data points, log records, Lambda events) were rejected: permanent faults in the data
 * itself, which an exporter must not retry. Each has the metric tag it is counted under
 * ({@code fnscope_collector_items_rejected_total{reason=...}}) and the text the exporter sees in the partial-success
 * or 400 message.
 */
enum Reason {
    INVALID_TRACE_ID("invalid_trace_id", "trace_id is not 16 bytes or is all zero"),
    INVALID_SPAN_ID("invalid_span_id", "span_id is not 8 bytes or is all zero"),
    INVALID_PARENT_SPAN_ID("invalid_parent_span_id", "parent_span_id is neither empty nor 8 bytes"),
    MISSING_START_TIME("missing_start_time", "start_time_unix_nano is 0"),
    END_BEFORE_START("end_before_start", "end_time_unix_nano is before start_time_unix_nano"),
    SPAN_TIME_AHEAD("time_ahead", "start_time_unix_nano or end_time_unix_nano is further ahead of the collector's"
            + " clock than fnscope.collector.max-time-ahead allows"),
    LOG_TIME_AHEAD("time_ahead", "time_unix_nano or observed_time_unix_nano is further ahead of the collector's"
            + " clock than fnscope.collector.max-time-ahead allows"),
    POINT_TIME_AHEAD("time_ahead", "time_unix_nano is further ahead of the collector's clock than"
            + " fnscope.collector.max-time-ahead allows"),
    MISSING_METRIC_NAME("missing_metric_name", "the metric has no name"),
    MISSING_TIME("missing_time", "time_unix_nano is 0"),
    HISTOGRAM_BUCKETS("histogram_bucket_mismatch",
            "bucket_counts does not have exactly one more entry than explicit_bounds"),
    LOG_TRACE_ID("invalid_trace_id", "trace_id is neither empty nor 16 bytes (not all zero)"),
    LOG_SPAN_ID("invalid_span_id", "span_id is neither empty nor 8 bytes (not all zero)"),
    TOO_LARGE("item_too_large", "on its own it is larger than fnscope.collector.max-record-bytes"),
    TOO_MANY_ITEMS("too_many_items", "the request holds more than fnscope.collector.max-items-per-request"),
    INVALID_EVENT("invalid_event", "the Lambda event is malformed");

    final String tag;
    final String description;

    Reason(String tag, String description) {
        this.tag = tag;
        this.description = description;
    }
}
