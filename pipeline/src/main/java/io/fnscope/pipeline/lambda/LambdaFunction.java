package io.fnscope.pipeline.lambda;

/**
 * The Lambda function (one execution environment of it) a batch of platform events comes from. The Telemetry API
 * events themselves do not name their function; the extension that forwards them says which one it runs in.
 *
 * @param name         function name ({@code AWS_LAMBDA_FUNCTION_NAME}); always present
 * @param version      function version ({@code AWS_LAMBDA_FUNCTION_VERSION}); {@code $LATEST} when not sent
 * @param region       AWS region ({@code AWS_REGION}), or null when not sent
 * @param architecture {@code x86_64} or {@code arm64}, or null when not sent (prices differ by architecture)
 * @param memoryMb     configured memory in MB ({@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}), or null when not sent
 * @param accountId    12-digit AWS account id, or null when not sent
 * @param logStream    CloudWatch log stream ({@code AWS_LAMBDA_LOG_STREAM_NAME}): identifies the execution
 *                     environment, the OTel {@code faas.instance}; null when not sent
 */
public record LambdaFunction(String name, String version, String region, String architecture, Integer memoryMb,
                             String accountId, String logStream) {
    public LambdaFunction {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a Lambda function needs a name");
        }
        if (version == null || version.isBlank()) {
            version = "$LATEST";
        }
    }
}
