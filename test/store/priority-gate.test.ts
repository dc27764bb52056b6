import { PriorityGate, urgently } from "../../src/store/priority-gate.js";

describe("PriorityGate", () => {
  it("runs one task at a time, admitting urgent waiters before ordinary ones, each lane in order", async () => {
    const gate = new PriorityGate();
    const order: string[] = [];
    let active = 0;
    let maxActive = 0;
    const task = (name: string, ms = 5) => async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      order.push(name);
      await new Promise((r) => setTimeout(r, ms));
      active--;
    };
    const first = gate.run(task("first", 20));
    const waiting = [
      gate.run(task("ordinary-1")),
      gate.run(task("ordinary-2")),
      // Urgency travels through awaits inside `urgently`.
      urgently(async () => {
        await Promise.resolve();
        await gate.run(task("urgent-1"));
      }),
      urgently(() => gate.run(task("urgent-2"))),
    ];
    await Promise.all([first, ...waiting]);
    // urgent-2 arrived first (urgent-1 awaited before asking), then urgent-1, then the ordinary ones in order.
    expect(order).toEqual(["first", "urgent-2", "urgent-1", "ordinary-1", "ordinary-2"]);
    expect(maxActive).toBe(1);
  });

  it("passes results and errors through, and keeps working after an error", async () => {
    const gate = new PriorityGate();
    await expect(gate.run(async () => 42)).resolves.toBe(42);
    await expect(gate.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(gate.run(async () => "after")).resolves.toBe("after");
  });
});
