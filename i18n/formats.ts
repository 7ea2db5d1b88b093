import type { Formats } from "next-intl";

/**
 * Named formats for `format.dateTime(value, "time")` and `format.number(value, "percent")`. Every time carries its zone
 * (`timeZoneName`): the viewer's zone, which may not be the centre's. (`dateStyle` cannot be combined with a zone name,
 * hence the separate fields.)
 */
export const formats = {
  dateTime: {
    /** A moment to the second: call times, timeline entries. */
    time: { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" },
    /** A moment to the minute: token use and the like. */
    minute: { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
    /** A time of day on a page about one day that names its zone once (an agent's day). */
    clock: { hour: "2-digit", minute: "2-digit", second: "2-digit" },
    /** A calendar day in the chart of days. */
    day: { month: "2-digit", day: "2-digit" },
  },
  number: {
    percent: { style: "percent", maximumFractionDigits: 0 },
    /** Seconds with one decimal (lag). */
    tenths: { minimumFractionDigits: 1, maximumFractionDigits: 1 },
  },
} satisfies Formats;

declare module "next-intl" {
  interface AppConfig {
    Locale: import("@/server/auth/preferences").Locale;
    Formats: typeof formats;
  }
}
