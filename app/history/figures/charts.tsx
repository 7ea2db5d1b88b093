"use client";

import { useFormatter, useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Figures } from "@/server/history/figures";

type Point = { name: string; answered: number; missed: number; abandoned: number };

function StackedBars({ title, data, testId, tickInterval }: { title: string; data: Point[]; testId: string; tickInterval?: number }) {
  const t = useTranslations("figures");
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-3" aria-label={title} data-testid={testId}>
      <h2 className="mb-2 font-semibold">{title}</h2>
      <div className="h-64">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" interval={tickInterval} fontSize={11} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            <Legend />
            <Bar dataKey="answered" name={t("answered")} stackId="a" fill="#059669" isAnimationActive={false} />
            <Bar dataKey="missed" name={t("missed")} stackId="a" fill="#e11d48" isAnimationActive={false} />
            <Bar dataKey="abandoned" name={t("abandoned")} stackId="a" fill="#f59e0b" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}

/** Answered, missed and abandoned, per hour of the day and per day (the viewer's zone): the shape of the load at a glance. */
export function FiguresCharts({ figures }: { figures: Figures }) {
  const t = useTranslations("figures");
  const format = useFormatter();
  const hours = figures.byHour.map((h) => ({ name: t("hourTick", { hour: String(h.hour).padStart(2, "0") }), answered: h.answered, missed: h.missed, abandoned: h.abandoned }));
  // A day is a calendar date (already the viewer's), not an instant: written as itself, whatever the zone.
  const days = figures.byDay.map((d) => ({ name: format.dateTime(new Date(`${d.day}T12:00:00Z`), "day", { timeZone: "UTC" }), answered: d.answered, missed: d.missed, abandoned: d.abandoned }));
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <StackedBars title={t("perHour")} data={hours} testId="chart-hours" tickInterval={2} />
      <StackedBars title={t("perDay")} data={days} testId="chart-days" />
    </div>
  );
}
