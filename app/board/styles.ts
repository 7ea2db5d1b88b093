import type { AgentStatus } from "@/server/domain/agent-status";
import type { CallPhase } from "@/server/domain/figures";
import type { Level } from "@/server/domain/thresholds";
import type { LinkStatus } from "./use-board";

/**
 * Colours plus text, never colour alone. Every pair keeps WCAG AA contrast (4.5:1) in the light theme and, mirrored,
 * in the dark one (globals.css mirrors the palette).
 */
export const PHASE_STYLE: Record<CallPhase, { label: string; className: string }> = {
  waiting: { label: "Waiting", className: "bg-amber-100 text-amber-950 ring-amber-400" },
  ringing: { label: "Ringing", className: "bg-sky-100 text-sky-950 ring-sky-300" },
  talking: { label: "Talking", className: "bg-emerald-100 text-emerald-950 ring-emerald-300" },
  held: { label: "On hold", className: "bg-violet-100 text-violet-950 ring-violet-300" },
  ended: { label: "Ended", className: "bg-slate-200 text-slate-900 ring-slate-300" },
  stuck: { label: "No news", className: "bg-rose-100 text-rose-950 ring-rose-300" },
};

export const STATUS_STYLE: Record<AgentStatus, { label: string; className: string }> = {
  ringing: { label: "Ringing", className: "bg-sky-100 text-sky-950 ring-sky-300" },
  on_call: { label: "On call", className: "bg-emerald-100 text-emerald-950 ring-emerald-300" },
  on_hold: { label: "On hold", className: "bg-violet-100 text-violet-950 ring-violet-300" },
  available: { label: "Available", className: "bg-white text-slate-900 ring-slate-400" },
  paused: { label: "Paused", className: "bg-orange-100 text-orange-950 ring-orange-300" },
  logged_out: { label: "Logged out", className: "bg-slate-200 text-slate-800 ring-slate-300" },
};

/** A figure at a threshold level: amber and red cells, with the level in text for screen readers. */
export const LEVEL_STYLE: Record<Level, string> = {
  ok: "",
  amber: "bg-amber-200 text-amber-950 ring-1 ring-amber-500",
  red: "bg-red-700 text-white ring-1 ring-red-800",
};

export const LINK_STYLE: Record<LinkStatus, string> = {
  connecting: "bg-slate-200 text-slate-800",
  live: "bg-emerald-700 text-white",
  reconnecting: "bg-amber-300 text-amber-950",
  offline: "bg-red-700 text-white",
};
