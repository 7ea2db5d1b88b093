import { z } from "zod";
import { Call, CallFacts, Leg } from "../domain/model";

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
