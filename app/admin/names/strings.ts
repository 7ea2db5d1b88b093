/**
 * Every English string of /admin/names in one place, so they move into the i18n catalogue in one step.
 */
export const NAMES_TEXT = {
  title: "Names",
  intro:
    "What the board, history, figures and exports call each agent, queue and project. Type a name and save; save an empty field to go back to the default. An agent without a name here takes the name of the user linked to it, else the provider's.",
  lists: { agents: "Agents", queues: "Queues", projects: "Projects" },
  searchLabel: "Search names, provider ids, connections and linked users",
  search: "Search",
  clearSearch: "Clear",
  columns: { shown: "Shown as", providerId: "Provider id", providerName: "Provider's name", connection: "Connection", linkedUsers: "Linked users", rename: "Display name" },
  renameLabel: (label: string) => `Display name for ${label}`,
  defaultHint: (label: string) => `default: ${label}`,
  save: "Save",
  nobodyLinked: "nobody",
  empty: { agents: "No agents reported yet.", queues: "No queues reported yet.", projects: "No projects reported yet." },
  noMatch: (text: string) => `Nothing matches “${text}”.`,
  page: (page: number, pages: number, total: number) => `Page ${page} of ${pages} · ${total} in all`,
  pages: "Pages",
  previous: "← Previous",
  next: "Next →",
  saved: (label: string) => `Saved: now shown as “${label}”.`,
  cleared: (label: string) => `Back to the default name: “${label}”.`,
} as const;
