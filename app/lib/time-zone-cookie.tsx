"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { TIME_ZONE_COOKIE } from "@/i18n/cookies";

/**
 * Tells the server the browser's IANA zone (cookie `cb-tz`), so a viewer who has not chosen a zone sees times in their
 * own. When this page was rendered in another zone for want of it (the first visit), it is rendered again.
 */
export function TimeZoneCookie({ rendered, fromUser }: { rendered: string; fromUser: boolean }) {
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    const current = document.cookie.split("; ").find((c) => c.startsWith(`${TIME_ZONE_COOKIE}=`))?.slice(TIME_ZONE_COOKIE.length + 1);
    if (current !== undefined && decodeURIComponent(current) === zone) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    if (!fromUser && rendered !== zone) router.refresh();
  }, [rendered, fromUser, router]);
  return null;
}
