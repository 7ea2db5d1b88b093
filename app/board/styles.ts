import type { Call } from "@/server/domain/model";
import type { AgentStatus } from "./board-state";
import type { LinkStatus } from "./use-board";

/**
 * Call states: colour plus text, never colour alone. Badge text stays -800/-900 so the dark wallboard's lighter text
 * (which recolours -500/-600/-700) does not touch it.
 */
export const STATE_STYLE: Record<Call["state"] | "stuck", { label: string; className: string }> = {
  ringing: { label: "Ringing", className: "bg-amber-100 text-amber-900 ring-amber-300" },
  talking: { label: "Talking", className: "bg-emerald-100 text-emerald-900 ring-emerald-300" },
  held: { label: "On hold", className: "bg-sky-100 text-sky-900 ring-sky-300" },
  ended: { label: "Ended", className: "bg-slate-200 text-slate-800 ring-slate-300" },
  stuck: { label: "No news", className: "bg-rose-100 text-rose-900 ring-rose-300" },
};

export const STATUS_STYLE: Record<AgentStatus, { label: string; className: string }> = {
  ringing: { label: "Ringing", className: "bg-amber-100 text-amber-900 ring-amber-300" },
  on_call: { label: "On call", className: "bg-emerald-100 text-emerald-900 ring-emerald-300" },
  on_hold: { label: "On hold", className: "bg-sky-100 text-sky-900 ring-sky-300" },
  available: { label: "Available", className: "bg-white text-slate-800 ring-slate-300" },
  paused: { label: "Paused", className: "bg-violet-100 text-violet-900 ring-violet-300" },
  logged_out: { label: "Logged out", className: "bg-slate-300 text-slate-800 ring-slate-400" },
};

export const LINK_STYLE: Record<LinkStatus, string> = {
  connecting: "bg-slate-200 text-slate-700",
  live: "bg-emerald-600 text-white",
  reconnecting: "bg-amber-500 text-white",
  offline: "bg-red-600 text-white",
};
