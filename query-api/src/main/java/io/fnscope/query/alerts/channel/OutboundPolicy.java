package io.fnscope.query.alerts.channel;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which URLs fnscope may post to. A channel URL is typed by a tenant, and the server posts from inside the
 * operator's network, so without this check a tenant could make fnscope call its own admin ports, a database on
 * 10.0.0.5 or the cloud metadata service on 169.254.169.254 (server-side request forgery).
 *
 * <p>Rules, in order: the URL must be absolute with a host and no user info; the scheme must be {@code https}, or
 * {@code http} when the host (or every address it resolves to) is on the allow-list; the host is resolved and
 * <em>every</em> address is checked, because a name can resolve to one public and one private address and the client
 * may pick either. Refused: loopback (127/8, ::1), any-local (0/8, ::), private (10/8, 172.16/12, 192.168/16),
 * link-local (169.254/16 with the metadata services, fe80::/10), carrier-grade NAT (100.64/10, which holds Alibaba's
 * metadata 100.100.100.200), unique-local fc00::/7 (AWS's IPv6 metadata fd00:ec2::254), the old site-local
 * fec0::/10, multicast and 240/4 (reserved, broadcast). IPv4 addresses embedded in IPv6 (mapped, compatible,
 * NAT64 64:ff9b::/96) are checked as the IPv4 address they carry. An address is allowed anyway when the host name or
 * the address matches the allow-list.
 *
 * <p>Allow-list entries: a host name ({@code hooks.internal}), a suffix ({@code *.corp.example} matches
 * {@code a.corp.example} and {@code a.b.corp.example}, not {@code corp.example}), an address or a CIDR, IPv4 or
 * IPv6 ({@code 127.0.0.1}, {@code 10.20.0.0/16}, {@code fd00::/8}). Entries never resolve: a name entry matches
 * the name as written in the URL.
 *
 * <p>The reason of a decision names the host and the offending address, never the URL's path or query: for Slack,
 * Teams and Google Chat those are the credential. The check runs when a channel is saved and again before each
 * attempt to send; and when the delivery's HTTP client connects, its resolver is {@link #connectable}, which checks
 * the addresses it hands over for that very connection. So a name whose answer changes between the check and the
 * connect (DNS rebinding) is refused at the connect.
 */
public final class OutboundPolicy {

    /** How a host name becomes addresses; {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The outcome of a check. */
    public enum Verdict {
        /** The URL may be posted to. */
        ALLOWED,
        /** Never post to it; saving a channel with this URL is a bad request. */
        REFUSED,
        /** The host did not resolve: refused at save, retried at send (DNS can fail for a moment). */
        UNRESOLVED
    }

    /**
     * @param verdict what to do
     * @param reason  why, for the operator or the API's 400: names host and address, never path or query
     */
    public record Decision(Verdict verdict, String reason) {
        public Decision {
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(reason, "reason");
        }

        public boolean allowed() {
            return verdict == Verdict.ALLOWED;
        }
    }

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9a-f]*:[0-9a-f:.]*\\]?");
    private static final String LABEL = "[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?";
    private static final Pattern HOST = Pattern.compile(LABEL + "(\\." + LABEL + ")*");

    private final List<String> hosts = new ArrayList<>();
    private final List<String> suffixes = new ArrayList<>();
    private final List<Cidr> cidrs = new ArrayList<>();
    private final Resolver resolver;

    /** A policy resolving through the system resolver. */
    public OutboundPolicy(List<String> allow) {
        this(allow, InetAddress::getAllByName);
    }

    /**
     * @param allow    allow-list entries (host, {@code *.suffix}, address or CIDR); null or empty: nothing extra
     * @param resolver how host names become addresses
     * @throws IllegalArgumentException naming the first entry that is none of these
     */
    public OutboundPolicy(List<String> allow, Resolver resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        for (String raw : allow == null ? List.<String>of() : allow) {
            String entry = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
            if (entry.startsWith("*.") && HOST.matcher(entry.substring(2)).matches()) {
                suffixes.add(entry.substring(1));
            } else if (isLiteral(entry.split("/", 2)[0])) {
                cidrs.add(Cidr.parse(entry));
            } else if (HOST.matcher(stripDot(entry)).matches()) {
                hosts.add(stripDot(entry));
            } else {
                throw new IllegalArgumentException("outbound allow-list entry '" + raw + "' is neither a host name, a "
                        + "*.suffix, an IP address nor a CIDR (e.g. hooks.internal, *.corp.example, 10.20.0.0/16)");
            }
        }
    }

    /** Whether {@code url} may be posted to; resolves its host. */
    public Decision check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            // The exception's message quotes the input, which holds the credential: say only what is wrong.
            return refused("the URL is not a valid absolute URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getHost().isEmpty()) {
            return refused("the URL must be absolute with a host, like https://hooks.example.com/...");
        }
        if (uri.getRawUserInfo() != null) {
            return refused("the URL must not carry user info (user:password@)");
        }
        String host = stripDot(unbracket(uri.getHost().toLowerCase(Locale.ROOT)));
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return refused("scheme '" + scheme + "' is not allowed; use https");
        }

        InetAddress[] addresses;
        try {
            addresses = resolve(host);
        } catch (UnknownHostException e) {
            return new Decision(Verdict.UNRESOLVED, "host " + host + " does not resolve");
        }

        boolean hostListed = hostAllowed(host);
        if (scheme.equals("http") && !hostListed
                && !Arrays.stream(addresses).allMatch(this::addressAllowed)) {
            return refused("plain http to " + host + " is not allowed; use https, or add the host to the outbound "
                    + "allow-list");
        }
        InetAddress internal = firstRefused(host, addresses);
        if (internal != null) {
            return refused("host " + host + " resolves to " + internal.getHostAddress() + ", a " + blocked(internal)
                    + " address; add the host or the address to the outbound allow-list if this is intended");
        }
        return new Decision(Verdict.ALLOWED, "host " + host + " allowed");
    }

    /** A host refused at connect time: the reason names the host and the address. */
    public static final class RefusedAddressException extends UnknownHostException {
        public RefusedAddressException(String reason) {
            super(reason);
        }
    }

    /**
     * The addresses a connection to {@code host} may use, resolved once and each checked as {@link #check} does:
     * what the delivery's HTTP client connects to, so the addresses checked are the addresses used.
     *
     * @throws RefusedAddressException when an address is internal and neither host nor address is allow-listed
     * @throws UnknownHostException    when the host does not resolve
     */
    public InetAddress[] connectable(String rawHost) throws UnknownHostException {
        String host = stripDot(unbracket(rawHost.toLowerCase(Locale.ROOT)));
        InetAddress[] addresses = resolve(host);
        InetAddress internal = firstRefused(host, addresses);
        if (internal != null) {
            throw new RefusedAddressException("host " + host + " resolved to " + internal.getHostAddress()
                    + " when connecting, a " + blocked(internal) + " address (it resolved to an allowed one when "
                    + "checked); add the host or the address to the outbound allow-list if this is intended");
        }
        return addresses;
    }

    /** Every address of {@code host}; a literal is parsed, never looked up. */
    private InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = isLiteral(host) ? new InetAddress[]{InetAddress.getByName(host)}
                : resolver.resolve(host);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException("host " + host + " does not resolve");
        }
        return addresses;
    }

    /** The first of {@code addresses} that is internal and not allow-listed (none when the host is), else null. */
    private InetAddress firstRefused(String host, InetAddress[] addresses) {
        if (hostAllowed(host)) {
            return null;
        }
        for (InetAddress a : addresses) {
            if (blocked(a) != null && !addressAllowed(a)) {
                return a;
            }
        }
        return null;
    }

    private static Decision refused(String reason) {
        return new Decision(Verdict.REFUSED, reason);
    }

    private boolean hostAllowed(String host) {
        if (hosts.contains(host)) {
            return true;
        }
        for (String suffix : suffixes) {
            if (host.endsWith(suffix) && host.length() > suffix.length()) {
                return true;
            }
        }
        return false;
    }

    private boolean addressAllowed(InetAddress a) {
        for (Cidr c : cidrs) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** Why an address is internal ("loopback", "private"...), or null for a public address. */
    static String blocked(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            InetAddress embedded = embeddedIpv4(b);
            if (embedded != null) {
                String inner = blocked(embedded);
                return inner == null ? null : inner + " (IPv4 in IPv6)";
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "unique-local";
            }
        }
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isAnyLocalAddress()) {
            return "any-local";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local (cloud metadata lives here)";
        }
        if (a.isSiteLocalAddress()) {
            return "private (site-local)";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        if (a instanceof Inet4Address) {
            int first = a.getAddress()[0] & 0xff;
            int second = a.getAddress()[1] & 0xff;
            if (first == 100 && (second & 0xc0) == 64) {
                return "carrier-grade NAT";
            }
            if (first == 0) {
                return "any-local";
            }
            if (first >= 240) {
                return "reserved";
            }
        }
        return null;
    }

    /** The IPv4 address inside ::a.b.c.d (compatible) or 64:ff9b::a.b.c.d (NAT64), else null. */
    private static InetAddress embeddedIpv4(byte[] b) {
        boolean compatible = true;
        for (int i = 0; i < 12; i++) {
            compatible &= b[i] == 0;
        }
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = b[i] == 0;
        }
        // :: and ::1 are the IPv6 any-local and loopback, not IPv4 0.0.0.0 and 0.0.0.1.
        boolean special = compatible && b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1);
        if ((compatible && !special) || nat64) {
            try {
                return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e); // four bytes are always an address
            }
        }
        return null;
    }

    /** A dotted-quad IPv4 or an IPv6 address, which {@link InetAddress#getByName} parses without a lookup. */
    static boolean isLiteral(String host) {
        if (IPV6.matcher(host).matches()) {
            return true;
        }
        if (!IPV4.matcher(host).matches()) {
            return false;
        }
        for (String octet : host.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String stripDot(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /** An address range; a bare address is a range of one. */
    private record Cidr(byte[] network, int bits) {
        static Cidr parse(String entry) {
            String[] parts = entry.split("/", 2);
            InetAddress address;
            try {
                address = InetAddress.getByName(unbracket(parts[0])); // a literal: parsed, never looked up
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("outbound allow-list entry '" + entry + "' is not a valid address");
            }
            byte[] bytes = address.getAddress();
            int bits = bytes.length * 8;
            if (parts.length == 2) {
                try {
                    bits = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > bytes.length * 8) {
                    throw new IllegalArgumentException("outbound allow-list entry '" + entry + "' has a prefix length "
                            + "outside 0.." + bytes.length * 8);
                }
            }
            return new Cidr(bytes, bits);
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (b[full] & mask) == (network[full] & mask);
        }
    }
}
