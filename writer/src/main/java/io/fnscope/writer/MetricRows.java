package io.fnscope.writer;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;

import java.util.List;

/**
 * Turns an OTLP metrics export request into {@code metric_points} rows: one per data point of every type (gauge,
 * sum, histogram, exponential histogram, summary). Columns a type does not use are written empty (zero, empty
 * array, NULL min/max). {@code faas.*} metrics are ordinary metrics here. Exemplars are not stored.
 *
 * <p>Not thread-safe; one per writer thread.
 */
final class MetricRows {
    static final int GAUGE = 1;
    static final int SUM = 2;
    static final int HISTOGRAM = 3;
    static final int EXPONENTIAL_HISTOGRAM = 4;
    static final int SUMMARY = 5;

    private final AttributeText text = new AttributeText();
    private final NativeColumn.MapData scratch = new NativeColumn.MapData();

    /** @return data points written */
    int write(String tenant, ExportMetricsServiceRequest request, TableBuffer.MetricPoints points) {
        int n = 0;
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            String service = "";
            String function = "";
            for (KeyValue kv : rm.getResource().getAttributesList()) {
                switch (kv.getKey()) {
                    case "service.name" -> service = kv.getValue().getStringValue();
                    case "faas.name" -> function = kv.getValue().getStringValue();
                    default -> {
                    }
                }
            }
            scratch.clear();
            text.writeMap(scratch, rm.getResource().getAttributesList());
            TraceRows.EncodedMap resourceMap = new TraceRows.EncodedMap(scratch.keys.toArray(), scratch.values.toArray(),
                    rm.getResource().getAttributesCount());
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                Point p = new Point(tenant, service, function, resourceMap, sm.getScope().getName());
                for (Metric m : sm.getMetricsList()) {
                    n += writeMetric(points, p, m);
                }
            }
        }
        return n;
    }

    /** What the rows of one resource and scope share. */
    private record Point(String tenant, String service, String function, TraceRows.EncodedMap resourceMap, String scope) {
    }

    private int writeMetric(TableBuffer.MetricPoints b, Point p, Metric m) {
        int n = 0;
        switch (m.getDataCase()) {
            case GAUGE -> {
                for (NumberDataPoint dp : m.getGauge().getDataPointsList()) {
                    head(b, p, m, GAUGE, dp.getTimeUnixNano(), dp.getStartTimeUnixNano(), 0, false);
                    b.value.f64(number(dp));
                    noAggregate(b);
                    noBuckets(b);
                    noExponential(b);
                    noQuantiles(b);
                    tail(b, p, dp.getFlags(), dp.getAttributesList());
                    n++;
                }
            }
            case SUM -> {
                int temporality = m.getSum().getAggregationTemporalityValue();
                boolean monotonic = m.getSum().getIsMonotonic();
                for (NumberDataPoint dp : m.getSum().getDataPointsList()) {
                    head(b, p, m, SUM, dp.getTimeUnixNano(), dp.getStartTimeUnixNano(), temporality, monotonic);
                    b.value.f64(number(dp));
                    noAggregate(b);
                    noBuckets(b);
                    noExponential(b);
                    noQuantiles(b);
                    tail(b, p, dp.getFlags(), dp.getAttributesList());
                    n++;
                }
            }
            case HISTOGRAM -> {
                int temporality = m.getHistogram().getAggregationTemporalityValue();
                for (HistogramDataPoint dp : m.getHistogram().getDataPointsList()) {
                    head(b, p, m, HISTOGRAM, dp.getTimeUnixNano(), dp.getStartTimeUnixNano(), temporality, false);
                    b.value.f64(0);
                    b.count.u64(dp.getCount());
                    b.sum.f64(dp.hasSum() ? dp.getSum() : 0);
                    nullable(b.min, dp.hasMin(), dp.getMin());
                    nullable(b.max, dp.hasMax(), dp.getMax());
                    for (int i = 0; i < dp.getBucketCountsCount(); i++) {
                        b.bucketCounts.elements.u64(dp.getBucketCounts(i));
                    }
                    b.bucketCounts.endRow(dp.getBucketCountsCount());
                    for (int i = 0; i < dp.getExplicitBoundsCount(); i++) {
                        b.explicitBounds.elements.f64(dp.getExplicitBounds(i));
                    }
                    b.explicitBounds.endRow(dp.getExplicitBoundsCount());
                    noExponential(b);
                    noQuantiles(b);
                    tail(b, p, dp.getFlags(), dp.getAttributesList());
                    n++;
                }
            }
            case EXPONENTIAL_HISTOGRAM -> {
                int temporality = m.getExponentialHistogram().getAggregationTemporalityValue();
                for (ExponentialHistogramDataPoint dp : m.getExponentialHistogram().getDataPointsList()) {
                    head(b, p, m, EXPONENTIAL_HISTOGRAM, dp.getTimeUnixNano(), dp.getStartTimeUnixNano(), temporality, false);
                    b.value.f64(0);
                    b.count.u64(dp.getCount());
                    b.sum.f64(dp.hasSum() ? dp.getSum() : 0);
                    nullable(b.min, dp.hasMin(), dp.getMin());
                    nullable(b.max, dp.hasMax(), dp.getMax());
                    noBuckets(b);
                    b.expScale.i32(dp.getScale());
                    b.expZeroCount.u64(dp.getZeroCount());
                    ExponentialHistogramDataPoint.Buckets pos = dp.getPositive();
                    b.expPositiveOffset.i32(pos.getOffset());
                    for (int i = 0; i < pos.getBucketCountsCount(); i++) {
                        b.expPositiveCounts.elements.u64(pos.getBucketCounts(i));
                    }
                    b.expPositiveCounts.endRow(pos.getBucketCountsCount());
                    ExponentialHistogramDataPoint.Buckets neg = dp.getNegative();
                    b.expNegativeOffset.i32(neg.getOffset());
                    for (int i = 0; i < neg.getBucketCountsCount(); i++) {
                        b.expNegativeCounts.elements.u64(neg.getBucketCounts(i));
                    }
                    b.expNegativeCounts.endRow(neg.getBucketCountsCount());
                    noQuantiles(b);
                    tail(b, p, dp.getFlags(), dp.getAttributesList());
                    n++;
                }
            }
            case SUMMARY -> {
                for (SummaryDataPoint dp : m.getSummary().getDataPointsList()) {
                    head(b, p, m, SUMMARY, dp.getTimeUnixNano(), dp.getStartTimeUnixNano(), 0, false);
                    b.value.f64(0);
                    b.count.u64(dp.getCount());
                    b.sum.f64(dp.getSum());
                    b.min.nullValue();
                    b.max.nullValue();
                    noBuckets(b);
                    noExponential(b);
                    int q = dp.getQuantileValuesCount();
                    for (int i = 0; i < q; i++) {
                        b.quantiles.elements.f64(dp.getQuantileValues(i).getQuantile());
                        b.quantileValues.elements.f64(dp.getQuantileValues(i).getValue());
                    }
                    b.quantiles.endRow(q);
                    b.quantileValues.endRow(q);
                    tail(b, p, dp.getFlags(), dp.getAttributesList());
                    n++;
                }
            }
            case DATA_NOT_SET -> {
            }
        }
        return n;
    }

    private static double number(NumberDataPoint dp) {
        return switch (dp.getValueCase()) {
            case AS_DOUBLE -> dp.getAsDouble();
            case AS_INT -> dp.getAsInt();
            case VALUE_NOT_SET -> 0;
        };
    }

    /** tenant ... is_monotonic. */
    private static void head(TableBuffer.MetricPoints b, Point p, Metric m, int type, long time, long start,
                             int temporality, boolean monotonic) {
        b.tenant.string(p.tenant);
        b.metricName.string(m.getName());
        b.metricType.u8(type);
        b.unit.string(m.getUnit());
        b.description.string(m.getDescription());
        b.service.string(p.service);
        b.function.string(p.function);
        b.time.u64(time);
        b.startTime.u64(start);
        b.temporality.u8(temporality >= 0 && temporality <= 2 ? temporality : 0);
        b.isMonotonic.u8(monotonic ? 1 : 0);
    }

    /** count, sum, min, max of a gauge or sum point. */
    private static void noAggregate(TableBuffer.MetricPoints b) {
        b.count.u64(0);
        b.sum.f64(0);
        b.min.nullValue();
        b.max.nullValue();
    }

    private static void noBuckets(TableBuffer.MetricPoints b) {
        b.bucketCounts.endRow(0);
        b.explicitBounds.endRow(0);
    }

    private static void noExponential(TableBuffer.MetricPoints b) {
        b.expScale.i32(0);
        b.expZeroCount.u64(0);
        b.expPositiveOffset.i32(0);
        b.expPositiveCounts.endRow(0);
        b.expNegativeOffset.i32(0);
        b.expNegativeCounts.endRow(0);
    }

    private static void noQuantiles(TableBuffer.MetricPoints b) {
        b.quantiles.endRow(0);
        b.quantileValues.endRow(0);
    }

    private void tail(TableBuffer.MetricPoints b, Point p, int flags, List<KeyValue> attributes) {
        b.flags.u32(flags & 0xFFFF_FFFFL);
        b.scopeName.string(p.scope);
        p.resourceMap.appendTo(b.resourceAttributes);
        text.writeMap(b.attributes, attributes);
        b.row();
    }

    private static void nullable(NativeColumn.Nullable c, boolean present, double v) {
        if (present) {
            c.value().f64(v);
        } else {
            c.nullValue();
        }
    }
}
