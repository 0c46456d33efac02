"use client";

import { useSyncExternalStore } from "react";

export type ColorScheme = "light" | "dark";

const DARK_QUERY = "(prefers-color-scheme: dark)";

/**
 * The scheme the page is drawn in: a `dark`/`light` class or `data-theme` on <html> wins, then the
 * page's declared `color-scheme` (the console declares `light`), then the system preference. For
 * what CSS cannot reach: canvas charts and Monaco themes.
 */
export function readColorScheme(): ColorScheme {
  if (typeof document === "undefined") return "light";
  const root = document.documentElement;
  if (root.classList.contains("dark") || root.dataset.theme === "dark") return "dark";
  if (root.classList.contains("light") || root.dataset.theme === "light") return "light";
  const declared = getComputedStyle(root).colorScheme.split(/\s+/);
  if (declared.includes("dark") && !declared.includes("light")) return "dark";
  if (declared.includes("light") && !declared.includes("dark")) return "light";
  return window.matchMedia(DARK_QUERY).matches ? "dark" : "light";
}

function subscribe(onChange: () => void): () => void {
  const media = window.matchMedia(DARK_QUERY);
  media.addEventListener("change", onChange);
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["class", "style", "data-theme"],
  });
  return () => {
    media.removeEventListener("change", onChange);
    observer.disconnect();
  };
}

export function useColorScheme(): ColorScheme {
  return useSyncExternalStore(subscribe, readColorScheme, () => "light");
}
