// Bookkeeping of a co-edited prompt draft's update log, apart from the
// socket: which sequence numbers this editor has applied, and the `seen`
// value a save must send. The server compacts the log up to `seen` into the
// saver's snapshot, so `seen` must never pass an update the editor lacks.
//
// The replay covers the whole log up to its last row; after it, relayed
// updates advance `seen` one consecutive seq at a time. An update that
// arrives out of order waits in `pending` until the gap before it fills.
export class DraftLog {
  seen = 0;
  private readonly pending = new Set<number>();

  applyReplay(seqs: number[]): void {
    for (const seq of seqs) this.seen = Math.max(this.seen, seq);
    this.advance();
  }

  applyRelayed(seq: number): void {
    this.pending.add(seq);
    this.advance();
  }

  // Relayed updates received beyond `seen` and not yet contiguous with it.
  get waiting(): number {
    return this.pending.size;
  }

  private advance(): void {
    while (this.pending.has(this.seen + 1)) this.pending.delete(++this.seen);
    for (const seq of this.pending) if (seq <= this.seen) this.pending.delete(seq);
  }
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// Returns a Yjs client id derived from the seed text (FNV-1a, 32 bits, never
// 0). Editors that open an empty draft at the same moment each seed it with
// the current version's text. With the same id and text their seeds are the
// same Yjs update, which Yjs applies once, so the text does not appear twice.
export function seedClientId(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash === 0 ? 1 : hash;
}
