import type { ReactNode } from "react";

/**
 * A wide table on a narrow screen: it scrolls sideways inside its own box, so the page never does (390 px phones), and
 * the box takes keyboard focus so it can be scrolled without a mouse (WCAG: scrollable regions are focusable).
 */
export function ScrollRegion({ label, children, className = "" }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className={`max-w-full overflow-x-auto focus:outline-2 focus:outline-sky-600 ${className}`}>
      {children}
    </div>
  );
}
