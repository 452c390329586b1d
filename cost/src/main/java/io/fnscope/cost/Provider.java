package io.fnscope.cost;

import java.util.Locale;

/**
 * The billing models fnscope knows. Each one has its own per-invocation formula (see docs/pricing.md), so a catalog
 * entry can only name one of these; a new provider needs code, not just data.
 */
public enum Provider {
    /** AWS Lambda: requests + GB-s by architecture, 1 ms steps, init, provisioned concurrency, ephemeral storage. */
    AWS("aws"),
    /** Azure Functions consumption plan: executions + GB-s of measured memory rounded up to 128 MB, 100 ms minimum. */
    AZURE("azure"),
    /** Google Cloud Run functions, request-based billing: requests + vCPU-s + GiB-s in 100 ms steps. */
    GCP("gcp");

    private final String id;

    Provider(String id) {
        this.id = id;
    }

    /** The name catalogs use ({@code aws}, {@code azure}, {@code gcp}): OTel's {@code cloud.provider} values. */
    public String id() {
        return id;
    }

    /**
     * Reads OTel {@code cloud.provider} or {@code cloud.platform} values ({@code aws}, {@code aws_lambda},
     * {@code azure}, {@code azure_functions}, {@code gcp}, {@code gcp_cloud_functions}, {@code gcp_cloud_run}), in
     * any case. Allocation-free for the lower-case spellings telemetry carries.
     *
     * @return the provider, or null when the value names none of them (never throws: this runs per invocation row)
     */
    public static Provider parse(String value) {
        if (value == null) {
            return null;
        }
        Provider p = exact(value);
        return p != null ? p : exact(value.trim().toLowerCase(Locale.ROOT));
    }

    private static Provider exact(String v) {
        return switch (v) {
            case "aws", "aws_lambda", "amazon" -> AWS;
            case "azure", "azure_functions" -> AZURE;
            case "gcp", "google", "gcp_cloud_functions", "gcp_cloud_run", "gcp_cloud_run_functions" -> GCP;
            default -> null;
        };
    }
}
