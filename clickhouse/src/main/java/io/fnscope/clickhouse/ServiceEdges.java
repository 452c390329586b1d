package io.fnscope.clickhouse;

/**
 * The service-map edge a span stands for, as {@code edges_minute} counts it (docs/storage.md): who called what
 * (functions, queues and buses, databases, external hosts), from the span's kind, its function or service, and a
 * dozen of its attributes. The writer applies these rules to every span it stores and inserts the edges into
 * {@code edge_calls}, whose view folds them into {@code edges_minute} (migrations 0130-0132).
 *
 * <p>Until 0132 a materialized view on {@code spans} (0114) applied the same rules in SQL; in Java they cost a
 * fraction of what the view's map lookups did on every insert (writer/RATIONALE.md). {@code ITServiceEdgesParity}
 * runs 0114's query and these rules on the same spans and compares the edges.
 *
 * <p>The first matching rule wins ("self" is the span's function, else its service):
 * <ol>
 *   <li>client or producer with {@code faas.invoked_name}: self → {@code function} invoked name;</li>
 *   <li>client or producer with {@code messaging.destination.name}: self → {@code queue}
 *   {@code <messaging.system>:<destination>};</li>
 *   <li>client with {@code db.system}: self → {@code database} {@code <db.system>[:<db.namespace / db.name /
 *   server.address>]};</li>
 *   <li>client with a host ({@code server.address}, {@code net.peer.name}, {@code http.host}, the host of
 *   {@code url.full} / {@code http.url}, {@code rpc.service}): self → {@code external} host;</li>
 *   <li>consumer or server with {@code messaging.destination.name}: {@code queue} → self.</li>
 * </ol>
 */
public final class ServiceEdges {
    /** OTLP span kinds (the {@code SpanKind} numbers). */
    public static final int KIND_SERVER = 2;
    public static final int KIND_CLIENT = 3;
    public static final int KIND_PRODUCER = 4;
    public static final int KIND_CONSUMER = 5;

    private ServiceEdges() {
    }

    /** One edge: its two ends, each a type ({@code function}, {@code service}, {@code queue}, ...) and a name. */
    public record Edge(String sourceType, String source, String targetType, String target) {
    }

    /** Whether a span of this kind can stand for an edge at all: only then are its attributes worth collecting. */
    public static boolean mayHaveEdge(int kind) {
        return kind >= KIND_SERVER && kind <= KIND_CONSUMER;
    }

    /**
     * The edge of a span of {@code kind} (OTLP number) in {@code function} (empty when not a function) of
     * {@code service}, with the attributes {@code a} collected; null when it stands for none.
     */
    public static Edge of(int kind, String service, String function, Attributes a) {
        boolean outgoing = kind == KIND_CLIENT || kind == KIND_PRODUCER;
        String selfType = function.isEmpty() ? "service" : "function";
        String self = function.isEmpty() ? service : function;
        String destination = a.get(Attributes.MESSAGING_DESTINATION);
        if (outgoing && !a.get(Attributes.FAAS_INVOKED_NAME).isEmpty()) {
            return new Edge(selfType, self, "function", a.get(Attributes.FAAS_INVOKED_NAME));
        }
        if (outgoing && !destination.isEmpty()) {
            return new Edge(selfType, self, "queue", a.get(Attributes.MESSAGING_SYSTEM) + ':' + destination);
        }
        if (kind == KIND_CLIENT && !a.get(Attributes.DB_SYSTEM).isEmpty()) {
            String db = first(a, DB_NAME_SLOTS);
            return new Edge(selfType, self, "database", a.get(Attributes.DB_SYSTEM) + (db.isEmpty() ? "" : ":" + db));
        }
        if (kind == KIND_CLIENT) {
            String host = host(a);
            if (!host.isEmpty()) {
                return new Edge(selfType, self, "external", host);
            }
        }
        if ((kind == KIND_CONSUMER || kind == KIND_SERVER) && !destination.isEmpty()) {
            return new Edge("queue", a.get(Attributes.MESSAGING_SYSTEM) + ':' + destination, selfType, self);
        }
        return null;
    }

    private static final int[] DB_NAME_SLOTS = {Attributes.DB_NAMESPACE, Attributes.DB_NAME, Attributes.SERVER_ADDRESS};
    private static final int[] HOST_SLOTS = {Attributes.SERVER_ADDRESS, Attributes.NET_PEER_NAME, Attributes.HTTP_HOST};

    /** The first non-empty value of the slots, else empty. */
    private static String first(Attributes a, int[] slots) {
        for (int slot : slots) {
            String v = a.get(slot);
            if (!v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    /** A client span's peer host, in the rule's order; a URL is parsed only when no attribute before it names one. */
    private static String host(Attributes a) {
        String host = first(a, HOST_SLOTS);
        if (host.isEmpty()) {
            host = urlHost(a.get(Attributes.URL_FULL));
        }
        if (host.isEmpty()) {
            host = urlHost(a.get(Attributes.HTTP_URL));
        }
        return host.isEmpty() ? a.get(Attributes.RPC_SERVICE) : host;
    }

    /**
     * The host of an absolute URL ({@code https://user@host:8080/path?q} → {@code host}), as ClickHouse's
     * {@code domain()} gave it to the view before: empty when there is no host with a dot in it (a bare word, a
     * relative path, a host with characters no host has); a URL without a scheme ({@code host/path}) has one.
     */
    static String urlHost(String url) {
        if (url.isEmpty()) {
            return "";
        }
        int start = 0;
        int scheme = url.indexOf("://");
        if (url.startsWith("//")) {
            start = 2;
        } else if (scheme > 0 && scheme < 16 && isScheme(url, scheme)) {
            start = scheme + 3;
        }
        int end = url.length();
        for (int i = start; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        int at = url.lastIndexOf('@', end - 1);
        if (at >= start) {
            start = at + 1;
        }
        int colon = url.indexOf(':', start);
        if (colon >= 0 && colon < end) {
            end = colon;
        }
        if (end <= start) {
            return "";
        }
        boolean dot = false;
        for (int i = start; i < end; i++) {
            char c = url.charAt(i);
            if (c == '.') {
                dot = true;
            } else if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                return "";
            }
        }
        // A host needs a dot, and not as its last character ("localhost", "example." are no hosts to domain()).
        return dot && url.charAt(end - 1) != '.' ? url.substring(start, end) : "";
    }

    private static boolean isScheme(String url, int end) {
        for (int i = 0; i < end; i++) {
            char c = url.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The attributes the rules read, collected from a span's attributes in one pass ({@link #put}); the first
     * non-empty value of a key wins. Reusable: {@link #clear} before each span.
     */
    public static final class Attributes {
        static final int FAAS_INVOKED_NAME = 0;
        static final int MESSAGING_SYSTEM = 1;
        static final int MESSAGING_DESTINATION = 2;
        static final int DB_SYSTEM = 3;
        static final int DB_NAMESPACE = 4;
        static final int DB_NAME = 5;
        static final int SERVER_ADDRESS = 6;
        static final int NET_PEER_NAME = 7;
        static final int HTTP_HOST = 8;
        static final int URL_FULL = 9;
        static final int HTTP_URL = 10;
        static final int RPC_SERVICE = 11;

        private final String[] values = new String[12];

        public Attributes() {
            clear();
        }

        public void clear() {
            java.util.Arrays.fill(values, "");
        }

        /** The slot of an attribute key the rules read, else -1. */
        public static int slotOf(String key) {
            return switch (key) {
                case "faas.invoked_name" -> FAAS_INVOKED_NAME;
                case "messaging.system" -> MESSAGING_SYSTEM;
                case "messaging.destination.name" -> MESSAGING_DESTINATION;
                case "db.system" -> DB_SYSTEM;
                case "db.namespace" -> DB_NAMESPACE;
                case "db.name" -> DB_NAME;
                case "server.address" -> SERVER_ADDRESS;
                case "net.peer.name" -> NET_PEER_NAME;
                case "http.host" -> HTTP_HOST;
                case "url.full" -> URL_FULL;
                case "http.url" -> HTTP_URL;
                case "rpc.service" -> RPC_SERVICE;
                default -> -1;
            };
        }

        /** Sets slot {@code slot} ({@link #slotOf}) to the value's text, unless an earlier value of the key set it. */
        public void put(int slot, String text) {
            if (values[slot].isEmpty()) {
                values[slot] = text;
            }
        }

        /** {@link #put} by key; keys the rules do not read are ignored. */
        public Attributes put(String key, String text) {
            int slot = slotOf(key);
            if (slot >= 0) {
                put(slot, text);
            }
            return this;
        }

        String get(int slot) {
            return values[slot];
        }
    }
}
