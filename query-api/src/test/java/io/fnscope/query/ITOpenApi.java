package io.fnscope.query;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document is served without credentials and describes every endpoint. */
class ITOpenApi {
    static QueryApiHarness api;

    @BeforeAll
    static void start() {
        api = new QueryApiHarness();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void servedWithoutCredentials() {
        QueryApiHarness.Answer a = api.get("/api/openapi.yml", null);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.raw().headers().firstValue("Content-Type")).hasValue("application/yaml");
        assertThat(a.body()).startsWith("openapi: 3.");
        for (String path : new String[]{"/api/v1/traces/{traceId}:", "/api/v1/traces:", "/api/v1/transactions/{traceId}:",
                "/api/v1/functions:", "/api/v1/functions/{name}/timeseries:", "/api/v1/cost:", "/api/v1/service-map:"}) {
            assertThat(a.body()).contains("  " + path);
        }
        assertThat(a.body()).contains("TransactionView:", "scheme: bearer");
        assertThat(a.body()).doesNotContain("/api/openapi.yml");
    }
}
