// A prompt draft editor as the web UI runs it: a Yjs document whose text is
// the prompt, kept in sync through the hub's draft topic
// (project:<id>:prompt-draft:<name>, see src/prompts/collaboration.h).
import * as Y from "yjs";
import { connectLive } from "./live.js";

const toBase64 = (bytes) => Buffer.from(bytes).toString("base64");
const fromBase64 = (text) => new Uint8Array(Buffer.from(text, "base64"));

export async function openDraftEditor(baseUrl, publicKey, secretKey, projectId, name) {
  const topic = `project:${projectId}:prompt-draft:${name}`;
  const live = await connectLive(baseUrl, publicKey, secretKey);
  const doc = new Y.Doc();
  const text = doc.getText("prompt");
  const state = { participant: null, seen: 0, pending: new Set(), presence: [], saved: [], replayed: 0 };

  // Local edits go to the server; remote ones are applied with an origin
  // that keeps them from being sent back.
  doc.on("update", (update, origin) => {
    if (origin !== "remote") live.send({ type: "message", topic, data: { kind: "update", update: toBase64(update) } });
  });

  // `seen` is the highest seq up to which every update has been applied: the
  // replay covers the whole log up to its last row, then relayed updates
  // advance it one consecutive seq at a time.
  const advance = () => {
    while (state.pending.has(state.seen + 1)) state.pending.delete(++state.seen);
    for (const seq of state.pending) if (seq <= state.seen) state.pending.delete(seq);
  };
  live.socket.on("message", (raw) => {
    const message = JSON.parse(String(raw));
    if (message.type !== "event" || message.topic !== topic) return;
    const data = message.data;
    if (data.kind === "replay") {
      state.participant = data.participant;
      state.replayed = data.updates.length;
      for (const row of data.updates) {
        Y.applyUpdate(doc, fromBase64(row.update), "remote");
        state.seen = Math.max(state.seen, row.seq);
      }
      advance();
    } else if (data.kind === "update") {
      Y.applyUpdate(doc, fromBase64(data.update), "remote");
      state.pending.add(data.seq);
      advance();
    } else if (data.kind === "presence") {
      state.presence = data.participants;
    } else if (data.kind === "saved") {
      state.saved.push(data);
    }
  });

  const joined = await live.subscribe(topic);
  if (joined.type !== "subscribed") throw new Error(`joining ${topic} failed: ${JSON.stringify(joined)}`);
  await live.next((m) => m.topic === topic && m.data?.kind === "replay");

  return {
    doc,
    state,
    text: () => text.toString(),
    insert: (index, value) => text.insert(Math.min(index, text.length), value),
    // Sends a save of the current text and resolves with the server's
    // "saved" event for it.
    async save(extra = {}) {
      live.send({
        type: "message",
        topic,
        data: { kind: "save", prompt: text.toString(), snapshot: toBase64(Y.encodeStateAsUpdate(doc)), seen: state.seen, ...extra },
      });
      const saved = await live.next((m) => m.topic === topic && m.data?.kind === "saved" && m.data.from === state.participant);
      return saved.data;
    },
    // Resolves with the first server error on the topic.
    error: () => live.next((m) => m.topic === topic && m.type === "error"),
    close: () => live.close(),
  };
}

// Polls `condition` until it holds; WebSocket delivery is asynchronous.
export async function until(condition, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
