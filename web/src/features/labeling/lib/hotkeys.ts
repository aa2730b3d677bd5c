// Hotkeys as label configs spell them ("1", "p", "ctrl+1", "shift+a") and
// the editor's own keys. Matching ignores letter case of the key name.
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

export function matchesHotkey(event: KeyLike, spec: string | undefined): boolean {
  if (!spec) return false;
  const parts = spec.toLowerCase().split("+").map((part) => part.trim()).filter(Boolean);
  if (parts.length === 0) return false;
  const key = parts[parts.length - 1];
  const modifiers = new Set(parts.slice(0, -1));
  const wantCtrl = modifiers.has("ctrl") || modifiers.has("control") || modifiers.has("mod");
  const wantMeta = modifiers.has("cmd") || modifiers.has("meta") || modifiers.has("mod");
  if (modifiers.has("mod") ? !(event.ctrlKey || event.metaKey) : event.ctrlKey !== wantCtrl || event.metaKey !== wantMeta) {
    return false;
  }
  if (event.altKey !== modifiers.has("alt")) return false;
  const eventKey = event.key === " " ? "space" : event.key.toLowerCase();
  // Shift changes the key itself for symbols, so only letters check it.
  if (/^[a-z]$/.test(key) && event.shiftKey !== modifiers.has("shift")) return false;
  return eventKey === key;
}

// The editor's standard keys, shown in its help line.
export const standardKeys = {
  submit: "mod+enter",
  skip: "mod+space",
  undo: "mod+z",
  redo: "mod+shift+z",
  deleteRegion: "delete",
  copyRegion: "mod+c",
  pasteRegion: "mod+v",
} as const;

// True when a key press belongs to a text field and must not trigger hotkeys.
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

// True for a radio button or checkbox, which takes no typed text, so the
// editor's Escape still applies while one has the focus.
export function isToggleInput(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement && (target.type === "radio" || target.type === "checkbox");
}
