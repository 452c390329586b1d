// Sends a few spans to the fnscope collector with the OTel JS SDK's own OTLP exporter, as an instrumented
// Node.js function would, and prints what it sent as JSON on stdout (for ITOtelJsSdk to compare with Kafka).
//
//   FNSCOPE_URL=http://127.0.0.1:4318/v1/traces FNSCOPE_KEY=fns_... FNSCOPE_PROTOCOL=proto|json \
//   FNSCOPE_RUN=abc node send-spans.mjs
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';

const url = process.env.FNSCOPE_URL;
const key = process.env.FNSCOPE_KEY;
const protocol = process.env.FNSCOPE_PROTOCOL ?? 'proto';
const run = process.env.FNSCOPE_RUN ?? 'run';

const memory = new InMemorySpanExporter();
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({
    'service.name': `js-${run}`,
    'faas.name': `js-${run}`,
    'cloud.provider': 'aws',
    'cloud.platform': 'aws_lambda',
  }),
  spanProcessors: [new SimpleSpanProcessor(memory)],
});
const tracer = provider.getTracer('io.fnscope.js-test', '3.1.4');

const producer = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
const server = tracer.startSpan(`POST /orders ${protocol}`, {
  kind: SpanKind.SERVER,
  attributes: { 'faas.trigger': 'http', 'faas.coldstart': true, 'http.response.status_code': 201, ratio: 0.5, tags: ['a', 'b'] },
  links: [{ context: producer, attributes: { 'messaging.message.id': 'm-7' } }],
});
const child = tracer.startSpan(`INSERT orders ${protocol}`, { kind: SpanKind.CLIENT, attributes: { 'db.system': 'dynamodb' } },
  trace.setSpan(context.active(), server));
child.addEvent('retry', { attempt: 2 });
child.setStatus({ code: SpanStatusCode.ERROR, message: 'throttled' });
child.end();
server.setStatus({ code: SpanStatusCode.OK });
server.end();

const spans = memory.getFinishedSpans();
const exporter = protocol === 'json'
  ? new JsonExporter({ url, headers: { Authorization: `Bearer ${key}` } })
  : new ProtoExporter({ url, headers: { Authorization: `Bearer ${key}` } });

const toNanos = ([s, ns]) => (BigInt(s) * 1000000000n + BigInt(ns)).toString();
exporter.export(spans, async (result) => {
  const sent = spans.map((s) => ({
    name: s.name,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    kind: s.kind,
    startTimeUnixNano: toNanos(s.startTime),
    endTimeUnixNano: toNanos(s.endTime),
    attributes: s.attributes,
    events: s.events.map((e) => ({ name: e.name, attributes: e.attributes ?? {} })),
    links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: l.attributes ?? {} })),
    status: s.status,
  }));
  process.stdout.write(JSON.stringify({ code: result.code, error: result.error ? String(result.error) : null, spans: sent }));
  await exporter.shutdown();
  await provider.shutdown();
  process.exit(result.code === 0 ? 0 : 1);
});
