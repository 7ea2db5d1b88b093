"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Figures } from "@/server/history/figures";

/** Answered vs missed, per hour of the day and per day: the shape of the load at a glance. */
export function FiguresCharts({ figures }: { figures: Figures }) {
  const hours = figures.byHour.map((h) => ({ name: `${String(h.hour).padStart(2, "0")}h`, answered: h.answered, missed: h.missed }));
  const days = figures.byDay.map((d) => ({ name: d.day.slice(5), answered: d.answered, missed: d.missed }));
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <section className="rounded-lg border border-slate-200 bg-white p-3" aria-label="Calls per hour" data-testid="chart-hours">
        <h2 className="mb-2 font-semibold">Calls per hour of the day</h2>
        <div className="h-64">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={hours}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="name" interval={2} fontSize={11} />
              <YAxis allowDecimals={false} fontSize={11} />
              <Tooltip />
              <Legend />
              <Bar dataKey="answered" name="Answered" stackId="a" fill="#059669" isAnimationActive={false} />
              <Bar dataKey="missed" name="Missed" stackId="a" fill="#e11d48" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </section>
      <section className="rounded-lg border border-slate-200 bg-white p-3" aria-label="Calls per day" data-testid="chart-days">
        <h2 className="mb-2 font-semibold">Calls per day</h2>
        <div className="h-64">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={days}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="name" fontSize={11} />
              <YAxis allowDecimals={false} fontSize={11} />
              <Tooltip />
              <Legend />
              <Bar dataKey="answered" name="Answered" stackId="a" fill="#059669" isAnimationActive={false} />
              <Bar dataKey="missed" name="Missed" stackId="a" fill="#e11d48" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </section>
    </div>
  );
}
