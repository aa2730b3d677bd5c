// Follows hub topics over the WebSocket at /api/ws while `enabled`, calling
// `onEvent` with each event's data. The session cookie authenticates the
// socket. A dropped connection is retried after 1, 2, 4 … up to 30 s, and
// every retry subscribes again, so events published while disconnected are
// missed: callers refetch on reconnect (`onReconnect`).
//
// Frames (src/http/websocket_session.h): the client sends
// {"type":"subscribe","topic"}; the server replies {"type":"subscribed"} or
// {"type":"error","message"}, then sends {"type":"event","topic","data"}.
import { useEffect, useRef, useState } from "react";

export type LiveStatus = "off" | "connecting" | "live" | "error";

const maxRetryDelayMs = 30_000;

export function useLiveTopics(
  topics: string[],
  enabled: boolean,
  onEvent: (topic: string, data: unknown) => void,
  onReconnect?: () => void,
): { status: LiveStatus; error: string | null } {
  const [status, setStatus] = useState<LiveStatus>("off");
  const [error, setError] = useState<string | null>(null);
  // The latest callbacks, so a new closure per render does not reconnect.
  const handlers = useRef({ onEvent, onReconnect });
  handlers.current = { onEvent, onReconnect };
  const topicKey = topics.join("\n");

  useEffect(() => {
    if (!enabled || topicKey === "") {
      setStatus("off");
      return;
    }
    const wanted = topicKey.split("\n");
    let socket: WebSocket | null = null;
    let retryTimer: number | undefined;
    let attempts = 0;
    let closed = false;

    const connect = () => {
      setStatus("connecting");
      const scheme = window.location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(`${scheme}://${window.location.host}/api/ws`);
      let subscribed = 0;
      socket.onopen = () => {
        for (const topic of wanted) socket?.send(JSON.stringify({ type: "subscribe", topic }));
      };
      socket.onmessage = (message) => {
        let frame: { type?: string; topic?: string; data?: unknown; message?: string };
        try {
          frame = JSON.parse(String(message.data));
        } catch {
          return;
        }
        if (frame.type === "subscribed") {
          subscribed++;
          if (subscribed === wanted.length) {
            if (attempts > 0) handlers.current.onReconnect?.();
            attempts = 0;
            setStatus("live");
            setError(null);
          }
        } else if (frame.type === "error") {
          setStatus("error");
          setError(frame.message ?? "The server rejected the live subscription.");
        } else if (frame.type === "event" && typeof frame.topic === "string") {
          handlers.current.onEvent(frame.topic, frame.data);
        }
      };
      socket.onclose = () => {
        if (closed) return;
        setStatus("connecting");
        const delay = Math.min(maxRetryDelayMs, 1000 * 2 ** attempts);
        attempts++;
        retryTimer = window.setTimeout(connect, delay);
      };
    };
    connect();

    return () => {
      closed = true;
      window.clearTimeout(retryTimer);
      socket?.close();
    };
  }, [enabled, topicKey]);

  return { status, error };
}
