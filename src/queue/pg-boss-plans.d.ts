/**
 * The one internal of pg-boss 10 the queue uses: the SQL of its batch insert
 * (`boss.insert`), which the queue runs with `RETURNING id` appended so a
 * batch reports which of its jobs were new (see PgBossJobQueue.insertBatch).
 * pg-boss ships no types for it.
 */
declare module "pg-boss/src/plans.js" {
  /** `INSERT INTO <schema>.job … FROM json_to_recordset($1) … ON CONFLICT DO NOTHING`; $2-$6 are defaults (null: the queue's). */
  export function insertJobs(schema: string): string;
}
