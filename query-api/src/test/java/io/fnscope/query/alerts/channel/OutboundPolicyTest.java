package io.fnscope.query.alerts.channel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import static io.fnscope.query.alerts.channel.OutboundPolicy.Verdict.ALLOWED;
import static io.fnscope.query.alerts.channel.OutboundPolicy.Verdict.REFUSED;
import static io.fnscope.query.alerts.channel.OutboundPolicy.Verdict.UNRESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Decisions only: host names resolve through a fixed table, and nothing connects anywhere. */
class OutboundPolicyTest {
    private static final Map<String, List<String>> DNS = Map.of(
            "hooks.example.com", List.of("93.184.216.34"),
            "split.example.com", List.of("93.184.216.34", "10.0.0.7"),
            "rebind.example.com", List.of("169.254.169.254"),
            "a.corp.example", List.of("10.0.0.5"),
            "corp.example", List.of("10.0.0.6"),
            "hooks.internal", List.of("192.168.4.4"),
            "v6.example.com", List.of("2606:4700::6810:84e5"));

    private static final OutboundPolicy.Resolver RESOLVER = host -> {
        List<String> addresses = DNS.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        InetAddress[] out = new InetAddress[addresses.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = InetAddress.getByName(addresses.get(i)); // literals: parsed, not looked up
        }
        return out;
    };

    private static OutboundPolicy policy(String... allow) {
        return new OutboundPolicy(List.of(allow), RESOLVER);
    }

    @Test
    void acceptsHttpsToAPublicAddress() {
        assertThat(policy().check("https://93.184.216.34/hook").verdict()).isEqualTo(ALLOWED);
        assertThat(policy().check("https://hooks.example.com/services/T/B/x").verdict()).isEqualTo(ALLOWED);
        assertThat(policy().check("https://v6.example.com:8443/x").verdict()).isEqualTo(ALLOWED);
        assertThat(policy().check("HTTPS://Hooks.Example.COM./x").verdict()).isEqualTo(ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://127.0.0.1/x", "https://127.1.2.3/x", "https://[::1]/x", "https://0.0.0.0/x", "https://[::]/x",
            "https://169.254.169.254/latest/meta-data/", "https://[fe80::1]/x", "https://10.1.2.3/x",
            "https://172.16.0.1/x", "https://172.31.255.255/x", "https://192.168.1.1/x", "https://100.64.0.1/x",
            "https://100.100.100.200/x", "https://[fd00:ec2::254]/x", "https://[fc00::1]/x", "https://224.0.0.1/x",
            "https://[ff02::1]/x", "https://255.255.255.255/x", "https://[::ffff:169.254.169.254]/x",
            "https://[::ffff:10.0.0.1]/x", "https://[64:ff9b::a9fe:a9fe]/x", "https://rebind.example.com/x",
            "https://2130706433/x"})
    void refusesInternalAddresses(String url) {
        OutboundPolicy.Decision d = new OutboundPolicy(List.of(), host -> {
            if (host.equals("2130706433")) {
                return InetAddress.getAllByName(host); // the JDK reads a bare number as 127.0.0.1
            }
            return RESOLVER.resolve(host);
        }).check(url);

        assertThat(d.verdict()).as(url).isEqualTo(REFUSED);
        assertThat(d.reason()).contains("address; add the host or the address to the outbound allow-list");
    }

    @Test
    void refusesCarrierGradeNatOnlyInItsRange() {
        assertThat(policy().check("https://100.63.255.255/x").verdict()).isEqualTo(ALLOWED);
        assertThat(policy().check("https://100.127.255.255/x").verdict()).isEqualTo(REFUSED);
        assertThat(policy().check("https://100.128.0.0/x").verdict()).isEqualTo(ALLOWED);
        assertThat(policy().check("https://172.32.0.1/x").verdict()).isEqualTo(ALLOWED);
    }

    @Test
    void namesTheAddressAndItsKindButNeverThePathOrQuery() {
        OutboundPolicy.Decision d = policy().check("https://169.254.169.254/latest/meta-data/iam?token=s3cret");

        assertThat(d.reason()).isEqualTo("host 169.254.169.254 resolves to 169.254.169.254, a link-local (cloud "
                + "metadata lives here) address; add the host or the address to the outbound allow-list if this is "
                + "intended");
        assertThat(d.reason()).doesNotContain("meta-data", "token", "s3cret");
    }

    @Test
    void checksEveryResolvedAddress() {
        OutboundPolicy.Decision d = policy().check("https://split.example.com/x");

        assertThat(d.verdict()).isEqualTo(REFUSED);
        assertThat(d.reason()).contains("split.example.com resolves to 10.0.0.7, a private (site-local) address");
    }

    @Test
    void loopbackIsAllowedOnlyThroughTheAllowList() {
        assertThat(policy().check("http://127.0.0.1:8080/hook").verdict()).isEqualTo(REFUSED);
        assertThat(policy("127.0.0.1").check("http://127.0.0.1:8080/hook").verdict()).isEqualTo(ALLOWED);
        assertThat(policy("127.0.0.1").check("http://127.0.0.2:8080/hook").verdict()).isEqualTo(REFUSED);
        assertThat(policy("127.0.0.0/8").check("http://127.0.0.2:8080/hook").verdict()).isEqualTo(ALLOWED);
        assertThat(policy("::1").check("http://[::1]:8080/hook").verdict()).isEqualTo(ALLOWED);
    }

    @Test
    void plainHttpNeedsTheAllowList() {
        OutboundPolicy.Decision d = policy().check("http://hooks.example.com/services/T/B/x");

        assertThat(d.verdict()).isEqualTo(REFUSED);
        assertThat(d.reason()).isEqualTo("plain http to hooks.example.com is not allowed; use https, or add the host "
                + "to the outbound allow-list");
        assertThat(policy().check("http://93.184.216.34/x").verdict()).isEqualTo(REFUSED);
        assertThat(policy("hooks.example.com").check("http://hooks.example.com/x").verdict()).isEqualTo(ALLOWED);
    }

    @Test
    void allowListMatchesNamesSuffixesAndCidrs() {
        assertThat(policy("*.corp.example").check("https://a.corp.example/x").verdict()).isEqualTo(ALLOWED);
        assertThat(policy("*.corp.example").check("https://corp.example/x").verdict()).isEqualTo(REFUSED);
        assertThat(policy("hooks.internal").check("http://hooks.internal/x").verdict()).isEqualTo(ALLOWED);
        assertThat(policy("hooks.internal").check("https://a.corp.example/x").verdict()).isEqualTo(REFUSED);
        assertThat(policy("10.0.0.0/24").check("https://a.corp.example/x").verdict()).isEqualTo(ALLOWED);
        assertThat(policy("10.0.1.0/24").check("https://a.corp.example/x").verdict()).isEqualTo(REFUSED);
        assertThat(policy("10.20.0.0/14").check("https://10.23.255.1/x").verdict()).isEqualTo(ALLOWED);
        assertThat(policy("10.20.0.0/14").check("https://10.24.0.1/x").verdict()).isEqualTo(REFUSED);
        assertThat(policy("fd00::/8").check("https://[fd00:ec2::254]/x").verdict()).isEqualTo(ALLOWED);
        assertThat(policy("fd00::/8").check("https://[fc00::1]/x").verdict()).isEqualTo(REFUSED);
        assertThat(policy("fd00::/8").check("https://10.0.0.1/x").verdict()).isEqualTo(REFUSED);
        // A listed address lets only that address through: the other one of a split answer still counts.
        assertThat(policy("10.0.0.7").check("https://split.example.com/x").verdict()).isEqualTo(ALLOWED);
    }

    @Test
    void refusesWhatIsNotAPlainHttpsUrl() {
        assertThat(policy().check("ftp://hooks.example.com/x").reason()).isEqualTo("scheme 'ftp' is not allowed; use https");
        assertThat(policy().check("file:///etc/passwd").verdict()).isEqualTo(REFUSED);
        assertThat(policy().check("hooks.example.com/x").verdict()).isEqualTo(REFUSED);
        assertThat(policy().check("https://user:pw@hooks.example.com/x").reason())
                .isEqualTo("the URL must not carry user info (user:password@)");
        OutboundPolicy.Decision malformed = policy().check("https://hooks.slack.com/services/T0/B0/s3cret token");
        assertThat(malformed.reason()).isEqualTo("the URL is not a valid absolute URL");
        assertThat(policy().check(null).verdict()).isEqualTo(REFUSED);
    }

    @Test
    void aHostThatDoesNotResolveIsUnresolvedNotRefused() {
        OutboundPolicy.Decision d = policy().check("https://nowhere.example.com/x?token=s3cret");

        assertThat(d.verdict()).isEqualTo(UNRESOLVED);
        assertThat(d.reason()).isEqualTo("host nowhere.example.com does not resolve");
    }

    @Test
    void aBadAllowListEntryIsNamed() {
        assertThatThrownBy(() -> policy("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("outbound allow-list entry '10.0.0.0/33' has a prefix length outside 0..32");
        assertThatThrownBy(() -> policy("https://hooks.internal/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("outbound allow-list entry 'https://hooks.internal/' is neither");
        assertThatThrownBy(() -> policy("*.")).isInstanceOf(IllegalArgumentException.class);
    }
}
