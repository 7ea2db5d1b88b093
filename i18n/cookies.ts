/** The cookie holding a language chosen without signing in (the sign-in page's picker; kept in step with /settings). */
export const LOCALE_COOKIE = "NEXT_LOCALE";
/** The cookie the browser sets to its own IANA zone (app/lib/time-zone-cookie.tsx). */
export const TIME_ZONE_COOKIE = "cb-tz";
