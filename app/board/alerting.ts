"use client";

import { useEffect, useRef } from "react";
import { isWorse, type Level } from "@/server/domain/thresholds";

/** The tab title: the worst level as a mark before the title (which says the callers waiting, in the viewer's words). */
export function boardTitle(level: Level, title: string): string {
  const mark = level === "red" ? "🔴 " : level === "amber" ? "🟠 " : "";
  return `${mark}${title}`;
}

/** A short two-tone chime made in the browser (no sound file to load); quiet, once per escalation. */
function chime(level: Level) {
  const Context = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Context) return;
  const audio = new Context();
  const tones = level === "red" ? [880, 660, 880] : [660, 880];
  tones.forEach((frequency, i) => {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, audio.currentTime + i * 0.18);
    gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + i * 0.18 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + i * 0.18 + 0.16);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(audio.currentTime + i * 0.18);
    oscillator.stop(audio.currentTime + i * 0.18 + 0.17);
  });
  setTimeout(() => void audio.close(), 1000);
}

export interface AlertPrefs {
  /** Play a chime when the board's worst level rises (opt-in per user). */
  sound: boolean;
  /** Raise a browser notification when it rises (opt-in per user; the browser asks for permission). */
  notify: boolean;
}

/**
 * Keeps the tab title current and, when the worst level rises (ok → amber → red), plays the chime and raises a
 * notification, each only if the user opted in. Never on the first render: opening a board already in red is not news.
 */
export function useAlerting(level: Level, title: string, summary: string, prefs: AlertPrefs, heading: Record<"amber" | "red", string>): void {
  const previous = useRef<Level | null>(null);
  useEffect(() => {
    document.title = boardTitle(level, title);
  }, [level, title]);
  useEffect(() => {
    const before = previous.current;
    previous.current = level;
    if (before === null || !isWorse(level, before)) return;
    if (prefs.sound) {
      try {
        chime(level);
      } catch {
        // Browsers refuse audio before the first interaction with the page: the title and colours still warn.
      }
    }
    if (prefs.notify && typeof Notification !== "undefined" && Notification.permission === "granted") {
      new Notification(level === "red" ? heading.red : heading.amber, { body: summary, tag: "callboard-level" });
    }
  }, [level, summary, prefs.sound, prefs.notify, heading.amber, heading.red]);
}
