import { jobIdFor } from "../../src/queue/pg-boss-queue.js";

describe("jobIdFor", () => {
  it("gives one stable UUID per (name, key), different for a different name or key", () => {
    const id = jobIdFor("delivery", "1:abc:commands");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(jobIdFor("delivery", "1:abc:commands")).toBe(id);
    expect(jobIdFor("sweep", "1:abc:commands")).not.toBe(id);
    expect(jobIdFor("delivery", "1:abd:commands")).not.toBe(id);
    expect(jobIdFor("delivery", "2:abc:commands")).not.toBe(id);
  });
});
