import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "@/server/auth/password";
import { callRooms, canSeeCall, roomsOf } from "@/server/auth/scope";
import type { AuthUser } from "@/server/auth/types";
import { newCall, reduceCall } from "@/server/domain/reducer";

describe("passwords", () => {
  it("hash with scrypt and a random salt; verify only the right password", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("anything", "not-a-hash")).toBe(false);
  });
});

describe("who may see a call", () => {
  const user = (extra: Partial<AuthUser>): AuthUser => ({ id: "u", email: "u@x.io", name: "U", role: "supervisor", queueIds: [], projectIds: [], agentIds: [], ...extra });
  const call = reduceCall(newCall({ id: "c1", connectionId: "k", provider: "voipex", key: "1", at: 0 }), {
    kind: "call.ringing",
    at: 1,
    timeSource: "provider",
    call: { key: "1", leg: { key: "agent:a", role: "agent" } },
  }, { agentId: "agent-a", queueId: "q1", projectId: null, targetAgentId: null });

  it("admins and unlimited supervisors see everything; limited ones their queues/projects; agents their own", () => {
    expect(canSeeCall(user({ role: "admin" }), call)).toBe(true);
    expect(canSeeCall(user({}), call)).toBe(true);
    expect(canSeeCall(user({ queueIds: ["q1"] }), call)).toBe(true);
    expect(canSeeCall(user({ queueIds: ["q2"] }), call)).toBe(false);
    expect(canSeeCall(user({ projectIds: ["p1"] }), call)).toBe(false);
    expect(canSeeCall(user({ role: "agent", agentIds: ["agent-a"] }), call)).toBe(true);
    expect(canSeeCall(user({ role: "agent", agentIds: ["agent-b"] }), call)).toBe(false);
    expect(canSeeCall(user({ role: "agent", agentIds: [] }), call)).toBe(false);
  });

  it("the rooms an update goes to are exactly the rooms of the users who may see it", () => {
    expect(callRooms(call).sort()).toEqual(["agent:agent-a", "all", "queue:q1"]);
    expect(roomsOf(user({ role: "agent", agentIds: ["x", "y"] }))).toEqual(["agent:x", "agent:y"]);
    expect(roomsOf(user({ role: "supervisor", queueIds: ["q1"] }))).toContain("queue:q1");
    expect(roomsOf(user({ role: "supervisor", queueIds: ["q1"] }))).not.toContain("all");
  });
});
