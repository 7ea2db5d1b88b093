"use client";

import { useState } from "react";

/**
 * The "browser notifications" switch: turning it on asks the browser's permission then and there (a permission prompt
 * needs a click), and says so when the browser refuses.
 */
export function NotifyCheckbox({ defaultChecked, label, denied }: { defaultChecked: boolean; label: string; denied: string }) {
  const [refused, setRefused] = useState(false);
  return (
    <>
      <label className="mt-1 flex items-center gap-2">
        <input
          type="checkbox"
          name="alertNotify"
          defaultChecked={defaultChecked}
          onChange={(event) => {
            if (!event.target.checked || typeof Notification === "undefined") return setRefused(false);
            void Notification.requestPermission().then((answer) => setRefused(answer === "denied"));
          }}
        />
        {label}
      </label>
      {refused ? <p role="status" className="ml-6 text-xs text-amber-800">{denied}</p> : null}
    </>
  );
}
