// A connection to the server's WebSocket hub at /api/ws (protocol in
// src/http/websocket_session.h). The session cookie authenticates it; the
// server accepts the upgrade only from its own origin.
//
// Frames: the client sends {"type":"subscribe"|"unsubscribe","topic"} and
// {"type":"message","topic","data"}; the server sends {"type":"subscribed"},
// {"type":"error","topic","message"} and {"type":"event","topic","data"}.
//
// After a drop the connection reconnects, waiting 0.5 s at first and
// doubling the wait up to 10 s. It then subscribes again and re-sends the
// last message sent on each topic, so a topic's state on the server (a
// dashboard's time range) survives the reconnect. Events published while the socket was down are
// lost; a subscriber that needs them refetches on its next "subscribed".
import { z } from "zod";

const frameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("subscribed"), topic: z.string() }),
  z.object({ type: z.literal("error"), topic: z.string().optional(), message: z.string() }),
  z.object({ type: z.literal("event"), topic: z.string(), data: z.unknown() }),
]);

export type TopicStatus = "connecting" | "live" | "offline" | "rejected";

export interface TopicListener {
  onEvent: (data: unknown) => void;
  // Called with "live" each time the subscription is confirmed, including
  // after a reconnect.
  onStatus?: (status: TopicStatus, message?: string) => void;
}

const firstRetryMs = 500;
const maxRetryMs = 10_000;

export class HubSocket {
  private socket: WebSocket | null = null;
  private readonly listeners = new Map<string, Set<TopicListener>>();
  private readonly lastMessage = new Map<string, unknown>();
  // Topics whose subscription the server confirmed on the current socket.
  private readonly liveTopics = new Set<string>();
  private retryMs = firstRetryMs;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly url: string = HubSocket.defaultUrl()) {}

  static defaultUrl(): string {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${window.location.host}/api/ws`;
  }

  // Follows `topic` until the returned function is called.
  subscribe(topic: string, listener: TopicListener): () => void {
    let set = this.listeners.get(topic);
    const first = !set;
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
    }
    set.add(listener);
    if (first && this.isOpen()) this.sendFrame({ type: "subscribe", topic });
    this.ensureOpen();
    // A socket that exists is open or opening; none means a retry is waiting.
    let status: TopicStatus = this.socket ? "connecting" : "offline";
    if (this.liveTopics.has(topic)) status = "live";
    listener.onStatus?.(status);

    return () => {
      const current = this.listeners.get(topic);
      if (!current) return;
      current.delete(listener);
      if (current.size > 0) return;
      this.listeners.delete(topic);
      this.lastMessage.delete(topic);
      this.liveTopics.delete(topic);
      // The server drops every subscription of a closed socket, so the last
      // topic needs no unsubscribe frame.
      if (this.listeners.size === 0) this.disconnect();
      else if (this.isOpen()) this.sendFrame({ type: "unsubscribe", topic });
    };
  }

  // Sends `data` to the topic's handler on the server, now if connected and
  // again after every reconnect.
  send(topic: string, data: unknown): void {
    this.lastMessage.set(topic, data);
    if (this.isOpen()) this.sendFrame({ type: "message", topic, data });
  }

  close(): void {
    this.closed = true;
    this.disconnect();
  }

  private isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  private sendFrame(frame: object): void {
    this.socket?.send(JSON.stringify(frame));
  }

  private notify(topic: string, status: TopicStatus, message?: string): void {
    for (const listener of this.listeners.get(topic) ?? []) listener.onStatus?.(status, message);
  }

  private ensureOpen(): void {
    if (this.closed || this.socket || this.retryTimer) return;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = firstRetryMs;
      for (const topic of this.listeners.keys()) {
        this.notify(topic, "connecting");
        this.sendFrame({ type: "subscribe", topic });
      }
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.liveTopics.clear();
      for (const topic of this.listeners.keys()) this.notify(topic, "offline");
      if (this.closed || this.listeners.size === 0) return;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.ensureOpen();
      }, this.retryMs);
      this.retryMs = Math.min(maxRetryMs, this.retryMs * 2);
    };
  }

  private disconnect(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.liveTopics.clear();
    socket?.close();
  }

  private receive(raw: unknown): void {
    if (typeof raw !== "string") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const frame = frameSchema.safeParse(parsed);
    if (!frame.success) return;
    const message = frame.data;
    switch (message.type) {
      case "subscribed": {
        const pending = this.lastMessage.get(message.topic);
        if (pending !== undefined) this.sendFrame({ type: "message", topic: message.topic, data: pending });
        this.liveTopics.add(message.topic);
        this.notify(message.topic, "live");
        break;
      }
      case "error":
        // An error on a live topic rejected a message, not the subscription.
        if (message.topic) {
          this.notify(message.topic, this.liveTopics.has(message.topic) ? "live" : "rejected", message.message);
        }
        break;
      case "event":
        for (const listener of this.listeners.get(message.topic) ?? []) listener.onEvent(message.data);
        break;
    }
  }
}
