// Who else is labeling this project now: the hub topic
// project:<id>:labeling (src/labeling/presence.h). The screen joins while it
// is mounted, sends the id of the task it shows, and receives the whole
// list whenever someone joins, leaves or moves on.
//
// A lost connection is reopened after a second; the list is empty meanwhile.
import { useEffect, useRef, useState } from "react";

export interface LabelingParticipant {
  participant: string;
  userId: number | null;
  name: string;
  task: number | null;
}

const reconnectMs = 1000;

function socketUrl(): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}/api/ws`;
}

function isParticipant(value: unknown): value is LabelingParticipant {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.participant === "string" && typeof entry.name === "string";
}

export interface LabelingPresence {
  self: string | null; // this connection's participant id, once the server sent it
  participants: LabelingParticipant[];
}

// `taskId` is the task on screen, or null between tasks.
export function useLabelingPresence(projectId: number, taskId: number | null): LabelingPresence {
  const topic = `project:${projectId}:labeling`;
  const [participants, setParticipants] = useState<LabelingParticipant[]>([]);
  const [self, setSelf] = useState<string | null>(null);
  const socketRef = useRef<WebSocket | null>(null);
  const taskRef = useRef(taskId);
  taskRef.current = taskId;

  useEffect(() => {
    let closed = false;
    let reconnectTimer: number | undefined;

    const connect = () => {
      const socket = new WebSocket(socketUrl());
      socketRef.current = socket;
      socket.onopen = () => socket.send(JSON.stringify({ type: "subscribe", topic }));
      socket.onmessage = (event) => {
        let frame: { type?: string; topic?: string; data?: { kind?: string; participant?: unknown; participants?: unknown[] } };
        try {
          frame = JSON.parse(String(event.data));
        } catch {
          return; // not JSON: not a hub frame
        }
        // The task goes out once the subscription is confirmed, because the
        // server rejects messages to topics the socket has not joined yet.
        if (frame.type === "subscribed" && frame.topic === topic) {
          socket.send(JSON.stringify({ type: "message", topic, data: { kind: "task", task: taskRef.current } }));
        }
        if (frame.type !== "event" || frame.topic !== topic) return;
        if (frame.data?.kind === "joined" && typeof frame.data.participant === "string") setSelf(frame.data.participant);
        if (frame.data?.kind === "presence") setParticipants((frame.data.participants ?? []).filter(isParticipant));
      };
      socket.onclose = () => {
        setParticipants([]);
        setSelf(null);
        if (!closed) reconnectTimer = window.setTimeout(connect, reconnectMs);
      };
    };
    connect();
    return () => {
      closed = true;
      window.clearTimeout(reconnectTimer);
      socketRef.current?.close();
      socketRef.current = null;
    };
  }, [topic]);

  useEffect(() => {
    const socket = socketRef.current;
    // Before the subscription is confirmed, the "subscribed" frame sends the task instead.
    if (socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "message", topic, data: { kind: "task", task: taskId } }));
    }
  }, [topic, taskId]);

  return { self, participants };
}
