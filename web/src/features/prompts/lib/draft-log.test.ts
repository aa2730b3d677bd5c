import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { base64ToBytes, bytesToBase64, DraftLog, seedClientId } from "./draft-log";

describe("DraftLog", () => {
  it("starts from the replay's last seq", () => {
    const log = new DraftLog();
    log.applyReplay([3, 7, 5]);
    expect(log.seen).toBe(7);
  });

  it("advances only over consecutive relayed seqs", () => {
    const log = new DraftLog();
    log.applyReplay([2]);
    log.applyRelayed(4);
    expect(log.seen).toBe(2);
    expect(log.waiting).toBe(1);
    log.applyRelayed(3);
    expect(log.seen).toBe(4);
    expect(log.waiting).toBe(0);
  });

  it("drops relayed seqs the replay covered", () => {
    const log = new DraftLog();
    log.applyRelayed(1);
    log.applyReplay([1, 2]);
    expect(log.seen).toBe(2);
    expect(log.waiting).toBe(0);
  });
});

describe("base64", () => {
  it("round-trips every byte value", () => {
    const bytes = new Uint8Array(70000).map((_, i) => i % 256);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
  });
});

describe("seedClientId", () => {
  it("makes two seeds of one text merge into one copy", () => {
    const seed = (text: string) => {
      const doc = new Y.Doc();
      doc.clientID = seedClientId(text);
      doc.getText("prompt").insert(0, text);
      return Y.encodeStateAsUpdate(doc);
    };
    const editor = new Y.Doc();
    Y.applyUpdate(editor, seed("Hello {{name}}"));
    Y.applyUpdate(editor, seed("Hello {{name}}"));
    expect(editor.getText("prompt").toString()).toBe("Hello {{name}}");
  });

  it("differs between texts", () => {
    expect(seedClientId("a")).not.toBe(seedClientId("b"));
  });
});
