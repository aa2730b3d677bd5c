// HubSocket against a real WebSocket server on 127.0.0.1: a minimal
// RFC 6455 server on node:http that plays the hub's side of the protocol
// (subscribe, message, subscribed, event, error) and can drop connections,
// so the reconnect path runs too. jsdom supplies the browser's WebSocket.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HubSocket, type TopicStatus } from "./hub-socket";

interface Peer {
  socket: Socket;
  received: Record<string, unknown>[];
  // Set when the client sent a close frame.
  closedByClient: boolean;
}

// Encodes a server-to-client text frame (never masked).
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const header =
    payload.length < 126
      ? Buffer.from([0x81, payload.length])
      : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

// Decodes the masked client frames in `data`: text frames and close frames.
function clientFrames(data: Buffer): { opcode: number; text: string }[] {
  const frames: { opcode: number; text: string }[] = [];
  let offset = 0;
  while (offset + 2 <= data.length) {
    const opcode = data[offset] & 0x0f;
    let length = data[offset + 1] & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      length = data.readUInt16BE(cursor);
      cursor += 2;
    }
    const mask = data.subarray(cursor, cursor + 4);
    cursor += 4;
    const payload = Buffer.from(data.subarray(cursor, cursor + length));
    for (let i = 0; i < payload.length; i += 1) payload[i] ^= mask[i % 4];
    frames.push({ opcode, text: opcode === 1 ? payload.toString("utf8") : "" });
    offset = cursor + length;
  }
  return frames;
}

class HubServer {
  readonly peers: Peer[] = [];
  // Topics whose subscription the server rejects with an error frame.
  readonly rejected = new Set<string>();
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer();
    this.server.on("upgrade", (request, socket: Socket) => {
      const key = String(request.headers["sec-websocket-key"]);
      const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      const peer: Peer = { socket, received: [], closedByClient: false };
      this.peers.push(peer);
      socket.on("data", (data) => {
        for (const { opcode, text } of clientFrames(data)) {
          if (opcode === 8) {
            peer.closedByClient = true;
            socket.end(Buffer.from([0x88, 0]));
            continue;
          }
          if (opcode !== 1) continue;
          const frame = JSON.parse(text) as Record<string, unknown>;
          peer.received.push(frame);
          if (frame.type === "subscribe") {
            const topic = String(frame.topic);
            const reply = this.rejected.has(topic)
              ? { type: "error", topic, message: "Not found" }
              : { type: "subscribed", topic };
            socket.write(textFrame(JSON.stringify(reply)));
          }
        }
      });
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    if (address === null || typeof address === "string") throw new Error("the server has no port");
    return `ws://127.0.0.1:${address.port}/api/ws`;
  }

  publish(peer: Peer, topic: string, data: unknown): void {
    peer.socket.write(textFrame(JSON.stringify({ type: "event", topic, data })));
  }

  // Drops a connection without a close frame, as a network failure would.
  drop(peer: Peer): void {
    peer.socket.destroy();
  }

  async stop(): Promise<void> {
    for (const peer of this.peers) peer.socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

describe("HubSocket", () => {
  let server: HubServer;
  let url: string;
  let hub: HubSocket;

  beforeEach(async () => {
    server = new HubServer();
    url = await server.start();
    hub = new HubSocket(url);
  });

  afterEach(async () => {
    hub.close();
    await server.stop();
  });

  it("subscribes, sends the message, and delivers events", async () => {
    const statuses: TopicStatus[] = [];
    const events: unknown[] = [];
    hub.subscribe("dashboard:a", { onEvent: (data) => events.push(data), onStatus: (status) => statuses.push(status) });
    hub.send("dashboard:a", { from: "2026-01-01T00:00:00Z" });

    await vi.waitFor(() => expect(statuses.at(-1)).toBe("live"));
    const peer = server.peers[0];
    await vi.waitFor(() => expect(peer.received).toHaveLength(2));
    expect(peer.received[0]).toEqual({ type: "subscribe", topic: "dashboard:a" });
    expect(peer.received[1]).toEqual({ type: "message", topic: "dashboard:a", data: { from: "2026-01-01T00:00:00Z" } });
    expect(statuses[0]).toBe("connecting");

    server.publish(peer, "dashboard:a", { action: "widget_update", widget: "w" });
    server.publish(peer, "dashboard:other", { ignored: true });
    await vi.waitFor(() => expect(events).toEqual([{ action: "widget_update", widget: "w" }]));
  });

  it("reconnects, subscribes again and re-sends the message", async () => {
    const statuses: TopicStatus[] = [];
    hub.subscribe("dashboard:a", { onEvent: () => undefined, onStatus: (status) => statuses.push(status) });
    hub.send("dashboard:a", { from: "2026-01-01T00:00:00Z" });
    await vi.waitFor(() => expect(statuses.at(-1)).toBe("live"));

    server.drop(server.peers[0]);
    await vi.waitFor(() => expect(statuses).toContain("offline"));
    await vi.waitFor(() => expect(server.peers).toHaveLength(2), { timeout: 3000 });
    const second = server.peers[1];
    await vi.waitFor(() => expect(second.received).toHaveLength(2));
    expect(second.received[0]).toEqual({ type: "subscribe", topic: "dashboard:a" });
    expect(second.received[1]).toEqual({ type: "message", topic: "dashboard:a", data: { from: "2026-01-01T00:00:00Z" } });
    expect(statuses.at(-1)).toBe("live");
  });

  it("reports a rejected subscription with its message", async () => {
    server.rejected.add("dashboard:missing");
    const seen: [TopicStatus, string | undefined][] = [];
    hub.subscribe("dashboard:missing", { onEvent: () => undefined, onStatus: (status, message) => seen.push([status, message]) });
    await vi.waitFor(() => expect(seen.at(-1)).toEqual(["rejected", "Not found"]));
  });

  it("unsubscribes one topic of several", async () => {
    const statuses: TopicStatus[] = [];
    const stop = hub.subscribe("dashboard:a", { onEvent: () => undefined, onStatus: (status) => statuses.push(status) });
    hub.subscribe("dashboard:b", { onEvent: () => undefined });
    const peer = () => server.peers[0];
    await vi.waitFor(() => expect(peer()?.received).toHaveLength(2));

    stop();
    await vi.waitFor(() => expect(peer().received.at(-1)).toEqual({ type: "unsubscribe", topic: "dashboard:a" }));
  });

  it("closes the socket when the last topic goes", async () => {
    const statuses: TopicStatus[] = [];
    const stop = hub.subscribe("dashboard:a", { onEvent: () => undefined, onStatus: (status) => statuses.push(status) });
    await vi.waitFor(() => expect(statuses.at(-1)).toBe("live"));
    stop();
    await vi.waitFor(() => expect(server.peers[0].closedByClient).toBe(true));
    expect(server.peers[0].received).toEqual([{ type: "subscribe", topic: "dashboard:a" }]);
    expect(server.peers).toHaveLength(1);
  });
});
