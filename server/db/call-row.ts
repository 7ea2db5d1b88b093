import { z } from "zod";
import { Call, CallFacts, Leg } from "../domain/model";
import type { FigureCall } from "../domain/stats";

const CallDetail = z.object({ facts: CallFacts, legs: z.array(Leg) });

/** A stored time as Prisma hands it (Date) or as SQLite holds it (ISO text, or epoch ms) → epoch ms. */
type StoredTime = Date | string | number;
function ms(value: StoredTime): number {
  return value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
}
const msOrNull = (value: StoredTime | null): number | null => (value === null ? null : ms(value));

/** A `Call` row, read through Prisma or straight from SQLite. */
export interface CallRowData {
  id: string;
  connectionId: string;
  provider: string;
  externalKey: string;
  direction: string;
  state: string;
  fromNumber: string | null;
  toNumber: string | null;
  agentId: string | null;
  queueId: string | null;
  projectId: string | null;
  startedAt: StoredTime;
  answeredAt: StoredTime | null;
  endedAt: StoredTime | null;
  endReason: string | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  recording: string | null;
  detail: string;
  version: number;
  updatedAt: StoredTime;
}

/** The live model of a stored call (its `detail` column keeps the reducer's facts and legs). Throws if it is not one. */
export function callFromRow(row: CallRowData): Call {
  const detail = CallDetail.parse(JSON.parse(row.detail));
  return Call.parse({
    id: row.id,
    connectionId: row.connectionId,
    provider: row.provider,
    key: row.externalKey,
    direction: row.direction,
    state: row.state,
    from: row.fromNumber,
    to: row.toNumber,
    agentId: row.agentId,
    queueId: row.queueId,
    projectId: row.projectId,
    startedAt: ms(row.startedAt),
    answeredAt: msOrNull(row.answeredAt),
    endedAt: msOrNull(row.endedAt),
    endReason: row.endReason,
    waitSeconds: row.waitSeconds,
    talkSeconds: row.talkSeconds,
    recording: row.recording,
    legs: detail.legs,
    facts: detail.facts,
    version: row.version,
    updatedAt: ms(row.updatedAt),
  });
}

/** A stored call's columns that today's figures read (CallRowData without its detail). */
export type FigureRowData = Pick<
  CallRowData,
  "id" | "connectionId" | "provider" | "direction" | "state" | "agentId" | "queueId" | "projectId" | "startedAt" | "answeredAt" | "endedAt" | "endReason" | "waitSeconds" | "talkSeconds"
>;
export interface FigureLegData {
  agentId: string | null;
  role: string;
  answeredAt: StoredTime | null;
  endedAt: StoredTime | null;
  endReason: string | null;
}

/**
 * What today's figures read of a stored call, from its row and its agent legs' rows (no detail to parse: a start
 * counts a whole day of them). The values are the ones the batch writer wrote from a parsed Call.
 */
export function figureCall(row: FigureRowData, legs: readonly FigureLegData[]): FigureCall {
  return {
    id: row.id,
    connectionId: row.connectionId,
    provider: row.provider as FigureCall["provider"],
    direction: row.direction as FigureCall["direction"],
    state: row.state as FigureCall["state"],
    agentId: row.agentId,
    queueId: row.queueId,
    projectId: row.projectId,
    startedAt: ms(row.startedAt),
    answeredAt: msOrNull(row.answeredAt),
    endedAt: msOrNull(row.endedAt),
    endReason: row.endReason as FigureCall["endReason"],
    waitSeconds: row.waitSeconds,
    talkSeconds: row.talkSeconds,
    legs: legs.map((leg) => ({
      agentId: leg.agentId,
      role: leg.role as FigureCall["legs"][number]["role"],
      answeredAt: msOrNull(leg.answeredAt),
      endedAt: msOrNull(leg.endedAt),
      endReason: leg.endReason as FigureCall["legs"][number]["endReason"],
    })),
  };
}
