import { z } from "zod";
import type { CanonicalEvent, ProviderId } from "../domain/events";
import { CanonicalEvent as CanonicalEventSchema } from "../domain/events";
import { Call, CallFacts, Leg, type Agent, type Presence, type Project, type Queue } from "../domain/model";
import type { Changes, EventRecord } from "../live/live-state";
import type { Db } from "./client";

/** A webhook request exactly as received, plus what Callboard answered. */
export interface DeliveryRow {
  id: string;
  connectionId: string;
  provider: ProviderId;
  receivedAt: number;
  method: string;
  path: string;
  contentType: string | null;
  query: string;
  bodyText: string;
  truncated: boolean;
  outcome: "accepted" | "duplicate" | "ignored" | "invalid" | "rejected";
  httpStatus: number;
  error: string | null;
  eventName: string | null;
  dedupeKey: string | null;
  duplicateOf: string | null;
}

/** What one group commit writes: every delivery that arrived together and everything they changed. */
export interface Batch {
  deliveries: DeliveryRow[];
  changes: Changes;
}

const CallDetail = z.object({ facts: CallFacts, legs: z.array(Leg) });

const date = (ms: number) => new Date(ms);
const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

/** All database access of the live pipeline. */
export class Store {
  constructor(readonly db: Db) {}

  /** Writes one batch in one transaction: all of it is stored, or none of it. */
  async writeBatch({ deliveries, changes }: Batch): Promise<void> {
    await this.db.$transaction(async (tx) => {
      if (deliveries.length > 0) {
        await tx.delivery.createMany({
          data: deliveries.map((d) => ({ ...d, receivedAt: date(d.receivedAt) })),
        });
      }
      if (changes.records.length > 0) {
        await tx.callEvent.createMany({ data: changes.records.map(eventRow) });
      }
      for (const { eventId, callId } of changes.relinked) {
        await tx.callEvent.update({ where: { id: eventId }, data: { callId } });
      }
      for (const call of changes.calls.values()) {
        const row = callRow(call);
        await tx.call.upsert({ where: { id: call.id }, create: row, update: row });
        for (const leg of call.legs) {
          const legRow = {
            id: leg.id,
            callId: call.id,
            externalKey: leg.key,
            role: leg.role,
            state: leg.state,
            agentId: leg.agentId,
            number: leg.number,
            startedAt: date(leg.startedAt),
            answeredAt: dateOrNull(leg.answeredAt),
            endedAt: dateOrNull(leg.endedAt),
            endReason: leg.endReason,
          };
          await tx.leg.upsert({ where: { id: leg.id }, create: legRow, update: legRow });
        }
      }
      for (const agent of changes.agents.values()) {
        const row = { ...agent, presenceSince: date(agent.presenceSince) };
        await tx.agent.upsert({ where: { id: agent.id }, create: row, update: row });
      }
      for (const queue of changes.queues.values()) {
        await tx.queue.upsert({ where: { id: queue.id }, create: queue, update: queue });
      }
      for (const project of changes.projects.values()) {
        await tx.project.upsert({ where: { id: project.id }, create: project, update: project });
      }
    });
  }

  /** Stores deliveries that changed nothing (rejected before normalizing): same transaction rules. */
  async writeDeliveries(deliveries: DeliveryRow[]): Promise<void> {
    await this.db.delivery.createMany({ data: deliveries.map((d) => ({ ...d, receivedAt: date(d.receivedAt) })) });
  }

  /** The state the live pipeline starts from: open and recently ended calls, all agents, queues, projects. */
  async loadLive(now: number, memory: { endedCallMs: number; dedupeMs: number; parkedMs: number }) {
    const [callRows, agentRows, queues, projects, dedupeRows, parkedRows] = await Promise.all([
      this.db.call.findMany({
        where: { OR: [{ endedAt: null }, { endedAt: { gte: date(now - memory.endedCallMs) } }, { updatedAt: { gte: date(now - memory.endedCallMs) } }] },
      }),
      this.db.agent.findMany(),
      this.db.queue.findMany(),
      this.db.project.findMany(),
      this.db.delivery.findMany({
        where: { outcome: "accepted", dedupeKey: { not: null }, receivedAt: { gte: date(now - memory.dedupeMs) } },
        select: { id: true, connectionId: true, dedupeKey: true, receivedAt: true },
      }),
      this.db.callEvent.findMany({
        where: { callId: null, kind: { startsWith: "call." }, at: { gte: date(now - memory.parkedMs) } },
        orderBy: { id: "asc" },
      }),
    ]);
    const calls = callRows.map((row): Call => {
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
        startedAt: row.startedAt.getTime(),
        answeredAt: row.answeredAt?.getTime() ?? null,
        endedAt: row.endedAt?.getTime() ?? null,
        endReason: row.endReason,
        waitSeconds: row.waitSeconds,
        talkSeconds: row.talkSeconds,
        recording: row.recording,
        legs: detail.legs,
        facts: detail.facts,
        version: row.version,
        updatedAt: row.updatedAt.getTime(),
      });
    });
    const agents = agentRows.map(
      (row): Agent => ({ ...row, presence: row.presence as Presence, presenceSince: row.presenceSince.getTime() }),
    );
    const connectionProviders = new Map(
      (await this.db.connection.findMany({ select: { id: true, provider: true } })).map((c) => [c.id, c.provider as ProviderId]),
    );
    const parked = parkedRows.flatMap((row) => {
      const provider = connectionProviders.get(row.connectionId);
      const event = CanonicalEventSchema.safeParse(JSON.parse(row.payload));
      if (!provider || !event.success) return [];
      const record: EventRecord = {
        id: row.id,
        deliveryId: row.deliveryId,
        connectionId: row.connectionId,
        callId: null,
        agentId: row.agentId,
        event: event.data,
      };
      return [{ record, provider }];
    });
    return {
      calls,
      agents,
      queues: queues as Queue[],
      projects: projects as Project[],
      dedupe: dedupeRows.map((row) => ({
        connectionId: row.connectionId,
        dedupeKey: row.dedupeKey as string,
        deliveryId: row.id,
        at: row.receivedAt.getTime(),
      })),
      parked,
    };
  }
}

function eventRow(record: EventRecord) {
  const event: CanonicalEvent = record.event;
  return {
    id: record.id,
    deliveryId: record.deliveryId,
    connectionId: record.connectionId,
    callId: record.callId,
    agentId: record.agentId,
    kind: event.kind,
    at: date(event.at),
    timeSource: event.timeSource,
    payload: JSON.stringify(event),
  };
}

function callRow(call: Call) {
  return {
    id: call.id,
    connectionId: call.connectionId,
    provider: call.provider,
    externalKey: call.key,
    direction: call.direction,
    state: call.state,
    fromNumber: call.from,
    toNumber: call.to,
    agentId: call.agentId,
    queueId: call.queueId,
    projectId: call.projectId,
    startedAt: date(call.startedAt),
    answeredAt: dateOrNull(call.answeredAt),
    endedAt: dateOrNull(call.endedAt),
    endReason: call.endReason,
    waitSeconds: call.waitSeconds,
    talkSeconds: call.talkSeconds,
    recording: call.recording,
    detail: JSON.stringify({ facts: call.facts, legs: call.legs }),
    version: call.version,
    updatedAt: date(call.updatedAt),
  };
}
