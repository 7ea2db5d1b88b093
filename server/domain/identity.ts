import type { CallContext, CallEvent, ProviderId } from "./events";
import type { Call } from "./model";

/**
 * Which call an event belongs to. Pure.
 *
 * A call is known by its identities: every call key events named it by (`k:<key>`) and, where the provider's leg ids
 * are unique across calls, every leg/dialog id (`l:<leg>`). An event belongs to the call that holds any identity it
 * names, whatever key it carries; when its identities are held by two calls, those are one conversation and are
 * merged (see `mergeCalls` in reducer.ts). The container (LiveState) only keeps the index identity → call.
 */

/**
 * Providers whose leg ids name one leg of one call, so that seeing a leg id again means seeing that call again:
 * TeleCMI and PIOPIY `cmiuuid`, Conpeek `dialog_uuid`. VOIPEX legs are agent logins and VoipNow legs extensions:
 * they recur on every call of that agent, so joining by them would merge unrelated calls.
 */
export const UNIQUE_LEG_IDS: Readonly<Record<ProviderId, boolean>> = {
  telecmi: true,
  piopiy: true,
  conpeek: true,
  voipex: false,
  voipnow: false,
};

/**
 * Providers that report the customer's own side ending (Conpeek closes the customer's dialog): on their calls the
 * customer's open leg keeps the call going after an agent leaves (a blind or consultative transfer hands it on).
 * Others only report agents' legs (or the whole call) ending, so an answered call is over when its agents are.
 */
export const REPORTS_CUSTOMER_END: Readonly<Record<ProviderId, boolean>> = {
  telecmi: false,
  piopiy: false,
  conpeek: true,
  voipex: false,
  voipnow: false,
};

export type Identity = `k:${string}` | `l:${string}`;

export const keyIdentity = (key: string): Identity => `k:${key}`;
export const legIdentity = (leg: string): Identity => `l:${leg}`;

/** The identities an event names: its call key, and its leg when leg ids are unique for the provider. */
export function eventIdentities(provider: ProviderId, ctx: CallContext): Identity[] {
  const ids: Identity[] = [];
  if (ctx.key) ids.push(keyIdentity(ctx.key));
  if (!UNIQUE_LEG_IDS[provider]) return ids;
  // Where leg ids are unique, a key is a leg id too (a Conpeek call is named by its first dialog; a TeleCMI leg a's
  // cmiuuid is its conversation's uuid): a dialog created for any dialog of a call (a consultation) joins that call.
  if (ctx.key) ids.push(legIdentity(ctx.key));
  if (ctx.leg && ctx.leg.key !== ctx.key) ids.push(legIdentity(ctx.leg.key));
  return ids;
}

/**
 * Whether an event whose identities no call holds starts a call of its own: one with a call key does, and one naming
 * only a leg does unless it is only about a leg of a call seen through other events (`waitsForCall`): that one waits.
 */
export function opensCall(event: CallEvent): boolean {
  return !!event.call.key || (!!event.call.leg && !event.call.waitsForCall);
}

/** Every identity of a call: its key, the identities it was found by, and its unique legs. */
export function callIdentities(call: Call): Identity[] {
  // Calls stored before identities were kept are known by their key.
  const known = call.facts.identities.length > 0 ? (call.facts.identities as Identity[]) : [keyIdentity(call.key)];
  const ids = new Set<Identity>(known);
  if (UNIQUE_LEG_IDS[call.provider]) for (const leg of call.legs) ids.add(legIdentity(leg.key));
  return [...ids];
}

/**
 * The key a call is shown and stored under, decided by its identities alone (so every arrival order agrees): the
 * smallest call key it was named by; a call known only by a leg (opened by that leg's CDR) goes by the leg id.
 */
export function primaryKey(identities: readonly string[], fallback: string): string {
  const keys = identities.filter((id) => id.startsWith("k:")).sort();
  const legs = identities.filter((id) => id.startsWith("l:")).sort();
  return (keys[0] ?? legs[0] ?? `k:${fallback}`).slice(2);
}

/** The call with these identities added (sorted, no repeats) and its key decided by them. */
export function withIdentities(call: Call, ids: readonly Identity[]): Call {
  const all = [...new Set([...call.facts.identities, ...ids])].sort();
  const same = all.length === call.facts.identities.length;
  const key = primaryKey(all, call.key);
  if (same && key === call.key) return call;
  return { ...call, key, facts: { ...call.facts, identities: all } };
}
