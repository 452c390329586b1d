package io.fnscope.tenancy;

/**
 * Who a request comes from, once its credential is checked.
 *
 * @param tenant  the tenant every row it sends carries and every query it makes is scoped to
 * @param role    what it may do
 * @param keyName the credential's label from configuration (never the secret), for logs and metrics
 */
public record Principal(String tenant, Role role, String keyName) {
}
