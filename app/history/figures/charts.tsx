"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Figures } from "@/server/history/figures";

type Point = { name: string; answered: number; missed: number; abandoned: number };

function StackedBars({ title, data, testId, tickInterval }: { title: string; data: Point[]; testId: string; tickInterval?: number }) {
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
            <Bar dataKey="answered" name="Answered" stackId="a" fill="#059669" isAnimationActive={false} />
            <Bar dataKey="missed" name="Missed" stackId="a" fill="#e11d48" isAnimationActive={false} />
            <Bar dataKey="abandoned" name="Abandoned" stackId="a" fill="#f59e0b" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}

/** Answered, missed and abandoned, per hour of the day and per day: the shape of the load at a glance. */
export function FiguresCharts({ figures }: { figures: Figures }) {
  const hours = figures.byHour.map((h) => ({ name: `${String(h.hour).padStart(2, "0")}h`, answered: h.answered, missed: h.missed, abandoned: h.abandoned }));
  const days = figures.byDay.map((d) => ({ name: d.day.slice(5), answered: d.answered, missed: d.missed, abandoned: d.abandoned }));
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <StackedBars title="Calls per hour of the day" data={hours} testId="chart-hours" tickInterval={2} />
      <StackedBars title="Calls per day" data={days} testId="chart-days" />
    </div>
  );
}
