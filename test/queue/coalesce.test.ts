import { Coalescer } from "../../src/queue/coalesce.js";

const ok = <O>(value: O): PromiseSettledResult<O> => ({ status: "fulfilled", value });

describe("Coalescer", () => {
  it("writes a lone call at once, and the calls that arrive meanwhile together in the next write", async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const c = new Coalescer<number, number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((i) => ok(i * 10));
    });
    const first = c.run(1);
    await new Promise((r) => setTimeout(r, 5));
    expect(writes).toEqual([[1]]);
    const later = [c.run(2), c.run(3), c.run(4)];
    await new Promise((r) => setTimeout(r, 5));
    // One write at a time: the three wait for the first.
    expect(writes).toHaveLength(1);
    release();
    expect(await first).toBe(10);
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it("splits by item count and by weight, an over-heavy item going alone", async () => {
    const writes: string[][] = [];
    const c = new Coalescer<string, string>(async (items) => (writes.push(items), items.map(ok)), {
      maxItems: 3,
      maxWeight: 10,
      weight: (s) => s.length,
    });
    const items = ["a", "b", "c", "d", "eeeeeeeeeeee", "ffff", "gggggg", "h"];
    expect(await Promise.all(items.map((i) => c.run(i)))).toEqual(items);
    expect(writes).toEqual([["a", "b", "c"], ["d"], ["eeeeeeeeeeee"], ["ffff", "gggggg"], ["h"]]);
  });

  it("fails every item of a rejected write, only that write, and one item of a rejected outcome", async () => {
    let n = 0;
    const c = new Coalescer<string, string>(async (items) => {
      n++;
      if (n === 1) {
        await new Promise((r) => setTimeout(r, 10));
        throw new Error("database gone");
      }
      return items.map((i): PromiseSettledResult<string> => (i === "bad" ? { status: "rejected", reason: new Error(`refused ${i}`) } : ok(i)));
    });
    const first = c.run("x");
    await Promise.resolve();
    // These arrive while the first write is out: the next batch.
    const next = [c.run("y"), c.run("bad"), c.run("z")];
    await expect(first).rejects.toThrow("database gone");
    const settled = await Promise.allSettled(next);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(settled[1]).toMatchObject({ reason: new Error("refused bad") });
    // Still working afterwards.
    await expect(c.run("again")).resolves.toBe("again");
  });

  it("rejects a batch whose write answers the wrong number of outcomes", async () => {
    const c = new Coalescer<number, number>(async () => [ok(1)]);
    await expect(Promise.all([c.run(1), c.run(2)])).rejects.toThrow("answered 1 results for 2 items");
  });
});
