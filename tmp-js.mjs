import { z } from "zod";
const s = z.strictObject({ a: z.string().regex(/x/).default("x"), b: z.array(z.number()).nullable().default([]).transform(v=>v??[]), d: z.union([z.string(), z.date()]).transform(String) }).describe("hi");
console.log(JSON.stringify(z.toJSONSchema(s, { io: "input" }), null, 1));
