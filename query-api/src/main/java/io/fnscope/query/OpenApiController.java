package io.fnscope.query;

import io.fnscope.ops.ApiError;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves the OpenAPI 3 document that micronaut-openapi's annotation processor writes at compile time from the
 * endpoints' annotations ({@code META-INF/swagger/fnscope-api.yml}), at {@value #PATH}, without credentials.
 */
@Controller
@Requires(property = "fnscope.query.enabled", notEquals = "false")
@Hidden
@OpenAPIDefinition(
        info = @Info(title = "fnscope query API", version = "v1",
                description = "Traces, business transactions across functions and queues, function health, cold"
                        + " starts, cost and cost per request, service map. Instants are ISO-8601 UTC strings in"
                        + " answers (epoch ms or ISO-8601 in requests), durations are milliseconds, money is USD."
                        + " Errors are {\"error\": \"...\"}. Guide: docs/api.md.",
                license = @License(name = "Apache-2.0")),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "an API token of role viewer or admin (docs/security.md)")
class OpenApiController {
    static final String PATH = "/api/openapi.yml";
    static final String RESOURCE = "META-INF/swagger/fnscope-api.yml";

    private final byte[] document;

    OpenApiController() {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            document = in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get(uri = PATH, produces = "application/yaml")
    HttpResponse<?> openApi() {
        if (document == null) {
            return HttpResponse.status(HttpStatus.NOT_FOUND).body(new ApiError(RESOURCE + " is not on the classpath;"
                    + " it is generated when query-api is compiled with micronaut-openapi's annotation processor"));
        }
        return HttpResponse.ok(document).contentType("application/yaml");
    }
}
