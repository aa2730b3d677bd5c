#!/usr/bin/env python3
"""OTLP ingestion throughput: spans/s through POST /api/public/otel/v1/traces.

Starts `tally serve` on SQLite on a free loopback port, then CLIENTS threads
post pre-built OTLP/HTTP protobuf exports of 100 spans for DURATION seconds.
Each export contains 20 traces of five spans as the Langfuse OpenTelemetry SDK
sends them: a root span with trace attributes (name, user, session, tags,
input, metadata), a retriever span, a generation with gen_ai model and token
usage, a tool span and an event. The server decodes the protobuf, maps every
span to an observation event and a trace event, stores both, refolds the
observation and its trace and prices the generation.

The reference, run in the same process right after, inserts the rows the
server writes for the same spans (two rows in tracing_events per span, one
observations row per span, one traces row per trace) with prepared
statements (sqlite3 executemany) into a SQLite file with the same schema and
pragmas, one transaction per export, timing only the inserts.

The protobuf is encoded here from the OTLP field numbers, so the benchmark
needs no protobuf package.

Usage: bench/tracing_otlp_bench.py BUILD/tally   (env DURATION, CLIENTS, RUNS)
"""
import json
import os
import sqlite3
import struct
import subprocess
import tempfile
import time

from tracing_ingestion_bench import ROOT, compare, post_for

SPANS_PER_EXPORT = 100
SPANS_PER_TRACE = 5

# ---- protobuf wire format (only what ExportTraceServiceRequest needs) ----


def varint(number):
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def length_delimited(field, payload):
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def fixed64(field, number):
    return varint(field << 3 | 1) + struct.pack("<Q", number)


def any_value(value):
    if isinstance(value, bool):
        return varint(2 << 3) + varint(int(value))
    if isinstance(value, int):
        return varint(3 << 3) + varint(value)
    if isinstance(value, float):
        return varint(4 << 3 | 1) + struct.pack("<d", value)
    if isinstance(value, list):
        return length_delimited(5, b"".join(length_delimited(1, any_value(item)) for item in value))
    return length_delimited(1, str(value).encode())


def key_value(key, value):
    return length_delimited(1, key.encode()) + length_delimited(2, any_value(value))


def attributes(field, pairs):
    return b"".join(length_delimited(field, key_value(key, value)) for key, value in pairs.items())


def span(trace_id, span_id, parent_id, name, start_nano, end_nano, attrs):
    payload = length_delimited(1, trace_id) + length_delimited(2, span_id)
    if parent_id:
        payload += length_delimited(4, parent_id)
    payload += length_delimited(5, name.encode()) + varint(6 << 3) + varint(1)
    payload += fixed64(7, start_nano) + fixed64(8, end_nano) + attributes(9, attrs)
    return payload


# ---- one export ----


def trace_spans(now_nano):
    """Returns the five spans of one trace as (trace_id, span_id, name, type, attributes, protobuf)."""
    trace_id, root_id, retrieve_id, llm_id, tool_id, event_id = (os.urandom(n) for n in (16, 8, 8, 8, 8, 8))
    messages = [{"role": "system", "content": "You are a helpful assistant. " * 4},
                {"role": "user", "content": "Summarize the quarterly report in three bullet points."}]
    answer = {"role": "assistant", "content": "- Revenue grew\n- Costs fell\n- Outlook stable"}
    t = now_nano
    layout = [
        (root_id, None, "chat", "span", 0, 900, {
            "langfuse.trace.name": "chat", "user.id": "user-42", "session.id": "session-7",
            "langfuse.trace.tags": ["prod"], "langfuse.trace.input": json.dumps({"question": messages[1]["content"]}),
            "langfuse.trace.metadata.plan": "pro", "langfuse.environment": "production"}),
        (retrieve_id, root_id, "retrieve", "retriever", 10, 120, {
            "langfuse.observation.type": "retriever",
            "langfuse.observation.input": json.dumps({"query": "quarterly report"}),
            "langfuse.observation.output": json.dumps({"documents": 3})}),
        (llm_id, root_id, "llm", "generation", 130, 800, {
            "langfuse.observation.type": "generation", "gen_ai.request.model": "gpt-4o",
            "langfuse.observation.model.parameters": json.dumps({"temperature": 0.2}),
            "langfuse.observation.input": json.dumps(messages), "langfuse.observation.output": json.dumps(answer),
            "gen_ai.usage.input_tokens": 120, "gen_ai.usage.output_tokens": 30}),
        (tool_id, llm_id, "lookup", "tool", 400, 450, {
            "langfuse.observation.type": "tool", "gen_ai.tool.name": "lookup",
            "langfuse.observation.input": json.dumps({"id": 7}), "langfuse.observation.output": "found"}),
        (event_id, root_id, "answered", "event", 850, 850, {
            "langfuse.observation.type": "event", "langfuse.observation.level": "DEFAULT"}),
    ]
    spans = []
    for span_id, parent_id, name, kind, start_ms, end_ms, attrs in layout:
        encoded = span(trace_id, span_id, parent_id, name, t + start_ms * 1_000_000, t + end_ms * 1_000_000, attrs)
        spans.append((trace_id.hex(), span_id.hex(), name, kind, attrs, encoded))
    return spans


def make_export(now_nano):
    """Returns (protobuf body, spans) for one export of SPANS_PER_EXPORT spans."""
    spans = []
    for _ in range(SPANS_PER_EXPORT // SPANS_PER_TRACE):
        spans += trace_spans(now_nano)
    resource = attributes(1, {"service.name": "bench-app", "telemetry.sdk.language": "nodejs",
                              "telemetry.sdk.name": "opentelemetry", "telemetry.sdk.version": "2.0.1"})
    scope = length_delimited(1, b"langfuse-sdk") + length_delimited(2, b"4.0.0")
    scope_spans = length_delimited(1, scope) + b"".join(length_delimited(2, s[5]) for s in spans)
    resource_spans = length_delimited(1, resource) + length_delimited(2, scope_spans)
    return length_delimited(1, resource_spans), spans


# ---- measurements ----


def measure_tally(binary, duration, clients):
    bodies = [make_export(time.time_ns())[0] for _ in range(clients * 40)]

    def stored_by(status, _answer):
        return SPANS_PER_EXPORT if status == 200 else None

    return post_for(binary, duration, clients, bodies, "/api/public/otel/v1/traces", "application/x-protobuf",
                    stored_by)


def measure_reference(duration):
    directory = tempfile.mkdtemp(prefix="tally-bench-ref-")
    database = sqlite3.connect(os.path.join(directory, "ref.db"), isolation_level=None)
    database.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;")
    with open(os.path.join(ROOT, "src/store/migrations/0010_tracing.up.sqlite.sql")) as schema:
        database.executescript(schema.read())
    event_sql = ("INSERT OR REPLACE INTO tracing_events (project_id, entity_kind, entity_id, event_id, event_type,"
                 " event_time, body) VALUES (1, ?, ?, ?, ?, ?, ?)")
    trace_sql = ("INSERT OR REPLACE INTO traces (project_id, id, timestamp, name, user_id, session_id, environment,"
                 " tags, metadata, input, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    observation_sql = ("INSERT OR REPLACE INTO observations (project_id, id, trace_id, type, name, environment,"
                       " start_time, end_time, level, input, output, metadata, model, usage_details, cost_details,"
                       " created_at, updated_at) VALUES (1, ?, ?, ?, ?, 'production', ?, ?, 'DEFAULT', ?, ?, '{}',"
                       " ?, ?, '{}', ?, ?)")
    inserted = 0
    timed = 0.0
    while timed < duration:
        _, spans = make_export(time.time_ns())
        now = int(time.time() * 1e6)
        rows = {"event": [], "trace": [], "observation": []}
        for trace_id, span_id, name, kind, attrs, _ in spans:
            observation_body = {"id": span_id, "traceId": trace_id, "name": name, **attrs}
            rows["event"].append(("observation", span_id, "otel-" + span_id, kind + "-create", now,
                                  json.dumps(observation_body)))
            rows["event"].append(("trace", trace_id, "otel-trace-" + span_id, "trace-create", now,
                                  json.dumps({"id": trace_id, "timestamp": now})))
            rows["observation"].append((span_id, trace_id, kind.upper(), name, now, now,
                                        attrs.get("langfuse.observation.input"),
                                        attrs.get("langfuse.observation.output"), attrs.get("gen_ai.request.model"),
                                        json.dumps({"input": 120, "output": 30, "total": 150}), now, now))
            if name == "chat":
                rows["trace"].append((trace_id, now, name, attrs["user.id"], attrs["session.id"], "production",
                                      json.dumps(attrs["langfuse.trace.tags"]), json.dumps({"plan": "pro"}),
                                      attrs["langfuse.trace.input"], now, now))
        started = time.perf_counter()
        database.execute("BEGIN")
        database.executemany(event_sql, rows["event"])
        database.executemany(trace_sql, rows["trace"])
        database.executemany(observation_sql, rows["observation"])
        database.execute("COMMIT")
        timed += time.perf_counter() - started
        inserted += len(spans)
    database.close()
    subprocess.run(["rm", "-rf", directory], check=False)
    return inserted / timed


def main():
    compare(measure_tally, measure_reference, ("tally OTLP protobuf spans/s", "raw sqlite insert   spans/s"))


if __name__ == "__main__":
    main()
