// The theme the app currently shows ("light" or "dark"), read from the
// data-theme attribute that app/theme.ts sets on <html>, so charts redraw
// when the user switches themes.
import { useEffect, useState } from "react";

export type AppTheme = "light" | "dark";

function currentTheme(): AppTheme {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
}

export function useAppTheme(): AppTheme {
  const [theme, setTheme] = useState<AppTheme>(currentTheme);
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme(currentTheme()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => observer.disconnect();
  }, []);
  return theme;
}
