package io.fnscope.pipeline.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LambdaPlatformCodecTest {

    @Test
    void roundTrips() throws Exception {
        ObjectMapper m = new ObjectMapper();
        LambdaPlatformBatch batch = new LambdaPlatformBatch(
                new LambdaFunction("checkout", null, "eu-west-1", "arm64", 512, null, "2026/11/23/[$LATEST]abc"),
                List.of(new PlatformEvent(Instant.parse("2026-11-23T10:00:00.412Z"), PlatformEvent.REPORT,
                                m.readTree("{\"requestId\":\"r1\",\"status\":\"success\",\"metrics\":{\"durationMs\":59.8,"
                                        + "\"billedDurationMs\":60,\"memorySizeMB\":512,\"maxMemoryUsedMB\":87}}")),
                        new PlatformEvent(Instant.parse("2026-11-23T10:00:00Z"), "function", m.readTree("\"log line\""))));

        byte[] json = LambdaPlatformCodec.write(batch);

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"schema\":1,\"function\":{\"name\":\"checkout\","
                + "\"version\":\"$LATEST\",\"region\":\"eu-west-1\",\"architecture\":\"arm64\",\"memoryMb\":512,"
                + "\"logStream\":\"2026/11/23/[$LATEST]abc\"},\"events\":[{\"time\":\"2026-11-23T10:00:00.412Z\","
                + "\"type\":\"platform.report\",\"record\":{\"requestId\":\"r1\",\"status\":\"success\",\"metrics\":"
                + "{\"durationMs\":59.8,\"billedDurationMs\":60,\"memorySizeMB\":512,\"maxMemoryUsedMB\":87}}},"
                + "{\"time\":\"2026-11-23T10:00:00Z\",\"type\":\"function\",\"record\":\"log line\"}]}");
        LambdaPlatformBatch back = LambdaPlatformCodec.read(json);
        assertThat(back).isEqualTo(batch);
        assertThat(back.events().get(0).report()).hasValue(new PlatformEvent.Report("r1", "success", 59.8, 60, 512, 87, null, null));
        assertThat(back.events().get(1).report()).isEmpty();
    }

    @Test
    void refusesWhatItCannotRead() {
        assertThatThrownBy(() -> LambdaPlatformCodec.read("{\"schema\":2}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("Lambda platform batch has schema 2; this reader knows schema 1");
        assertThatThrownBy(() -> LambdaPlatformCodec.read("{\"schema\":1,\"function\":{\"name\":\"f\"},\"events\":[{\"type\":\"x\",\"time\":\"noon\"}]}"
                .getBytes(StandardCharsets.UTF_8))).hasMessageStartingWith("Lambda platform batch events[0]: Text 'noon' could not be parsed");
        assertThatThrownBy(() -> LambdaPlatformCodec.read("{\"schema\":1,\"events\":[]}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("Lambda platform batch has no 'function' object");
    }
}
