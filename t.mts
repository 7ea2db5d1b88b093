import { createClient } from "redis";
const c = createClient({ url: "redis://127.0.0.1:1" });
let n = 0;
c.on("error", (e) => { n++; if (n < 4) console.log("error event", e.message); });
const t0 = Date.now();
c.connect().then(() => console.log("connected"), (e) => console.log("connect rejected", e.message, Date.now() - t0));
setTimeout(() => { console.log("errors", n, "isOpen", c.isOpen, "isReady", c.isReady); c.destroy(); }, 3000);
