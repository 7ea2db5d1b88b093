"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

/** Copies a webhook URL to the clipboard, and says so (or says it could not). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const t = useTranslations("admin");
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <button
      type="button"
      className="shrink-0 rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-100"
      aria-label={label}
      data-testid="copy-url"
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setState("copied"),
          () => setState("failed"),
        );
      }}
    >
      {state === "copied" ? t("connections.copied") : state === "failed" ? t("connections.copyFailed") : t("connections.copy")}
    </button>
  );
}
