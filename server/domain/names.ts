import type { Agent } from "./model";

/**
 * How an agent is called on every screen: the name a provider (or, later, an admin) gave them, else their provider id
 * as a person would say it. TeleCMI identifies users as `<extension>_<appid>`: the app-id suffix is never shown.
 */
export function agentLabel(agent: Pick<Agent, "name" | "externalId" | "extension">): string {
  if (agent.name) return agent.name;
  const { externalId, extension } = agent;
  if (extension && new RegExp(`^${escape(extension)}_\\d+$`).test(externalId)) return extension;
  return externalId;
}

/** What a card shows under the agent's label: their extension, when it says something the label does not. */
export function agentDetail(agent: Pick<Agent, "name" | "externalId" | "extension">): string {
  return agent.extension && agent.extension !== agentLabel(agent) ? `ext ${agent.extension}` : "";
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
