// The shared draft of one prompt name, co-edited live: a Yjs document whose
// Y.Text "prompt" is the draft, kept in sync over the hub topic
// project:<id>:prompt-draft:<name>. The server relays and stores opaque Yjs
// updates, replays the stored log to each joiner, tracks presence and turns
// a save into a prompt version (src/prompts/collaboration.h).
//
// Ownership: the hook owns the socket and the Y.Doc for as long as the
// component that calls it is mounted. The editor binds to `text` and never
// talks to the socket. A lost connection is reopened after a second; edits
// made meanwhile stay in the document and are sent once the replay is in.
import { useCallback, useEffect, useRef, useState } from "react";
import * as Y from "yjs";
import { base64ToBytes, bytesToBase64, DraftLog, seedClientId } from "../lib/draft-log";

export interface DraftParticipant {
  participant: string;
  userId: number | null;
  kind: "user" | "api_key";
}

export type DraftStatus = "connecting" | "ready" | "disconnected";

export interface DraftSaveOptions {
  type: "text" | "chat";
  labels: string[];
  commitMessage?: string;
  config?: unknown;
}

export interface PromptDraft {
  doc: Y.Doc;
  text: Y.Text;
  status: DraftStatus;
  participant: string | null;
  participants: DraftParticipant[];
  error: string | null;
  // The newest version saved from this draft by anyone, while mounted.
  lastSaved: { version: number; from: string } | null;
  // Sends the draft as a new version; resolves with the version number once
  // the server announces it, rejects with the server's error message.
  save: (options: DraftSaveOptions) => Promise<number>;
}

// Reconnect delay after the socket closes.
const reconnectMs = 1000;

interface PendingSave {
  resolve: (version: number) => void;
  reject: (error: Error) => void;
}

function socketUrl(): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}/api/ws`;
}

// `seedText` fills an empty draft, so the first editor starts from the
// version they opened rather than from nothing.
export function usePromptDraft(projectId: number, name: string, seedText: string): PromptDraft {
  const topic = `project:${projectId}:prompt-draft:${name}`;
  const [doc] = useState(() => new Y.Doc());
  const text = doc.getText("prompt");
  const [status, setStatus] = useState<DraftStatus>("connecting");
  const [participant, setParticipant] = useState<string | null>(null);
  const [participants, setParticipants] = useState<DraftParticipant[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [lastSaved, setLastSaved] = useState<{ version: number; from: string } | null>(null);
  const socketRef = useRef<WebSocket | null>(null);
  const logRef = useRef(new DraftLog());
  const participantRef = useRef<string | null>(null);
  const pendingSave = useRef<PendingSave | null>(null);
  const seedRef = useRef(seedText);
  seedRef.current = seedText;

  useEffect(() => {
    let closed = false;
    let reconnectTimer: number | undefined;
    let replayed = false;

    const send = (data: unknown) => {
      const socket = socketRef.current;
      if (socket?.readyState === WebSocket.OPEN && replayed) {
        socket.send(JSON.stringify({ type: "message", topic, data }));
      }
    };

    // Local edits go out as they happen; remote ones carry the "remote"
    // origin so they are not sent back.
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin !== "remote") send({ kind: "update", update: bytesToBase64(update) });
    };
    doc.on("update", onUpdate);

    const onReplay = (updates: { seq: number; update: string }[]) => {
      // What the server holds, to find local edits it lacks (after a reconnect).
      const server = new Y.Doc();
      for (const row of updates) Y.applyUpdate(server, base64ToBytes(row.update));
      for (const row of updates) Y.applyUpdate(doc, base64ToBytes(row.update), "remote");
      logRef.current.applyReplay(updates.map((row) => row.seq));
      replayed = true;

      const missing = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(server));
      // An update with no changes encodes as two zero bytes.
      if (missing.length > 2) send({ kind: "update", update: bytesToBase64(missing) });
      if (updates.length === 0 && text.length === 0 && seedRef.current) {
        const seed = new Y.Doc();
        seed.clientID = seedClientId(seedRef.current);
        seed.getText("prompt").insert(0, seedRef.current);
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(seed), "seed");
      }
      setStatus("ready");
    };

    const onEvent = (data: Record<string, unknown>) => {
      switch (data.kind) {
        case "replay":
          participantRef.current = String(data.participant);
          setParticipant(participantRef.current);
          onReplay(data.updates as { seq: number; update: string }[]);
          break;
        case "update":
          Y.applyUpdate(doc, base64ToBytes(String(data.update)), "remote");
          logRef.current.applyRelayed(Number(data.seq));
          break;
        case "presence":
          setParticipants(data.participants as DraftParticipant[]);
          break;
        case "saved":
          setLastSaved({ version: Number(data.version), from: String(data.from) });
          if (data.from === participantRef.current && pendingSave.current) {
            pendingSave.current.resolve(Number(data.version));
            pendingSave.current = null;
          }
          break;
        case "error":
          setError(String(data.message));
          break;
      }
    };

    const connect = () => {
      replayed = false;
      setStatus("connecting");
      const socket = new WebSocket(socketUrl());
      socketRef.current = socket;
      socket.onopen = () => socket.send(JSON.stringify({ type: "subscribe", topic }));
      socket.onmessage = (message) => {
        const frame = JSON.parse(String(message.data)) as { type: string; topic?: string; message?: string; data?: unknown };
        if (frame.topic !== topic) return;
        if (frame.type === "error") {
          const failure = new Error(frame.message ?? "The server rejected the request.");
          if (pendingSave.current) {
            pendingSave.current.reject(failure);
            pendingSave.current = null;
          } else {
            setError(failure.message);
          }
        } else if (frame.type === "event" && typeof frame.data === "object" && frame.data !== null) {
          onEvent(frame.data as Record<string, unknown>);
        }
      };
      socket.onclose = () => {
        if (closed) return;
        setStatus("disconnected");
        setParticipants([]);
        pendingSave.current?.reject(new Error("The connection closed before the save was confirmed."));
        pendingSave.current = null;
        reconnectTimer = window.setTimeout(connect, reconnectMs);
      };
    };
    connect();

    return () => {
      closed = true;
      window.clearTimeout(reconnectTimer);
      doc.off("update", onUpdate);
      socketRef.current?.close();
    };
  }, [doc, text, topic]);

  const save = useCallback(
    (options: DraftSaveOptions) => {
      const socket = socketRef.current;
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        return Promise.reject(new Error("Not connected to the server; wait for the editor to reconnect."));
      }
      if (pendingSave.current) return Promise.reject(new Error("A save is already in progress."));
      let prompt: unknown = text.toString();
      if (options.type === "chat") {
        try {
          prompt = JSON.parse(text.toString());
        } catch {
          return Promise.reject(new Error("The chat prompt is not valid JSON: fix the message list, then save."));
        }
      }
      const data: Record<string, unknown> = {
        kind: "save",
        prompt,
        type: options.type,
        labels: options.labels,
        snapshot: bytesToBase64(Y.encodeStateAsUpdate(doc)),
        seen: logRef.current.seen,
      };
      if (options.commitMessage) data.commitMessage = options.commitMessage;
      if (options.config !== undefined) data.config = options.config;
      return new Promise<number>((resolve, reject) => {
        pendingSave.current = { resolve, reject };
        socket.send(JSON.stringify({ type: "message", topic, data }));
      });
    },
    [doc, text, topic],
  );

  return { doc, text, status, participant, participants, error, lastSaved, save };
}
