import { describe, expect, it } from "vitest";
import { matchesHotkey } from "./hotkeys";

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe("matchesHotkey", () => {
  it.each([
    ["1", press("1"), true],
    ["p", press("p"), true],
    ["p", press("P", { shiftKey: true }), false],
    ["shift+p", press("P", { shiftKey: true }), true],
    ["ctrl+1", press("1", { ctrlKey: true }), true],
    ["ctrl+1", press("1"), false],
    ["1", press("1", { ctrlKey: true }), false],
    ["mod+enter", press("Enter", { metaKey: true }), true],
    ["mod+enter", press("Enter", { ctrlKey: true }), true],
    ["mod+space", press(" ", { ctrlKey: true }), true],
    ["alt+x", press("x"), false],
    ["", press("x"), false],
  ])("%s against %o is %s", (spec, event, expected) => {
    expect(matchesHotkey(event, spec)).toBe(expected);
  });
});
