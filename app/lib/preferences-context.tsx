"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { Theme } from "@/server/auth/preferences";

/** What client components may know of the viewer's preferences (the board's alert sound, notifications and theme). */
export interface ClientPreferences {
  theme: Theme;
  alertSound: boolean;
  alertNotify: boolean;
  /** The zone times are shown in, and the centre's (whose day "today" is). */
  timeZone: string;
  centreTimeZone: string;
}

const Preferences = createContext<ClientPreferences | null>(null);

/** Provided once by the root layout from getPreferences() (app/lib/preferences.ts). */
export function PreferencesProvider({ value, children }: { value: ClientPreferences; children: ReactNode }) {
  return <Preferences.Provider value={value}>{children}</Preferences.Provider>;
}

export function usePreferences(): ClientPreferences {
  const value = useContext(Preferences);
  if (!value) throw new Error("usePreferences outside the root layout's PreferencesProvider");
  return value;
}
