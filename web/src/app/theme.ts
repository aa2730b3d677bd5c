// Light and dark themes: the choice is stored in localStorage and applied as
// data-theme on <html>; "system" follows the operating system's setting.
export type ThemeChoice = "light" | "dark" | "system";

const storageKey = "tally.theme";

export function storedTheme(): ThemeChoice {
  const value = localStorage.getItem(storageKey);
  return value === "light" || value === "dark" ? value : "system";
}

export function applyTheme(choice: ThemeChoice): void {
  const dark = choice === "dark" || (choice === "system" && window.matchMedia?.("(prefers-color-scheme: dark)").matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
  if (choice === "system") localStorage.removeItem(storageKey);
  else localStorage.setItem(storageKey, choice);
}
