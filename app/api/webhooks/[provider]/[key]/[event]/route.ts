// One URL per event (VoipNow sends no event name) and the VOIPEX bearer-token URL: the same handlers, whose
// params then include `event`.
export { DELETE, GET, PATCH, POST, PUT } from "../route";

export const dynamic = "force-dynamic";
