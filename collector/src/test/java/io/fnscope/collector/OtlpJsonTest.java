package io.fnscope.collector;

import io.fnscope.pipeline.Signal;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OtlpJsonTest {

    @Test
    void exemplarIdsAreHex() throws Exception {
        String json = """
                {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","histogram":{"dataPoints":[{
                  "timeUnixNano":"1","exemplars":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","asDouble":1.5}]}]}}]}]}]}
                """;
        Exemplar e = ExportMetricsServiceRequest.parseFrom(OtlpJson.toProtobuf(Signal.METRICS, json.getBytes(StandardCharsets.UTF_8)))
                .getResourceMetrics(0).getScopeMetrics(0).getMetrics(0).getHistogram().getDataPoints(0).getExemplars(0);
        assertThat(HexFormat.of().formatHex(e.getTraceId().toByteArray())).isEqualTo("5b8efff798038103d269b633813fc60c");
        assertThat(HexFormat.of().formatHex(e.getSpanId().toByteArray())).isEqualTo("eee19b7ec3c1b174");
    }

    @Test
    void snakeCaseFieldNamesWorkToo() throws Exception {
        String json = """
                {"resource_logs":[{"scope_logs":[{"log_records":[{"time_unix_nano":"5","trace_id":"0af7651916cd43dd8448eb211c80319c",
                  "span_id":"b7ad6b7169203331","severity_number":"SEVERITY_NUMBER_INFO","body":{"string_value":"x"}}]}]}]}
                """;
        var log = ExportLogsServiceRequest.parseFrom(OtlpJson.toProtobuf(Signal.LOGS, json.getBytes(StandardCharsets.UTF_8)))
                .getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
        assertThat(HexFormat.of().formatHex(log.getTraceId().toByteArray())).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(HexFormat.of().formatHex(log.getSpanId().toByteArray())).isEqualTo("b7ad6b7169203331");
        assertThat(log.getSeverityNumberValue()).isEqualTo(9);
        assertThat(log.getTimeUnixNano()).isEqualTo(5);
    }

    @Test
    void oddLengthHexIsRefused() {
        assertThatThrownBy(() -> OtlpJson.toProtobuf(Signal.LOGS,
                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"spanId\":\"abc\"}]}]}]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidTelemetryException.class)
                .hasMessage("resourceLogs[0].scopeLogs[0].logRecords[0].spanId must be hex-encoded (OTLP/JSON), got 'abc'");
    }
}
