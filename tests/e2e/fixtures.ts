// Test data a scenario needs beyond the seed, written as the database owner (what an
// admin tool or a migration would do), and the owner's view to check outcomes.
import postgres from 'postgres';
import { createExam as createScenarioExam, createStudents as createScenarioStudents } from '../../scripts/lib/scenario-data.mjs';

/** The database as its owner (`postgres`), from SUPABASE_DB_URL. */
export const ownerSql = postgres(process.env.SUPABASE_DB_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54322/postgres', {
  max: 2,
  onnotice: () => {},
});

/** A published exam of the demo academy with single-choice questions (key "a"); see scenario-data.mjs. */
export function createExam(options: {
  questions: number;
  published?: boolean;
  conflictStrategy?: 'merge' | 'local' | 'server';
}): Promise<{ examId: string; questionIds: string[] }> {
  return createScenarioExam(ownerSql, options);
}

/** `count` new students of the demo academy, each with an access token. */
export function createStudents(count: number): Promise<{ id: string; email: string; token: string }[]> {
  return createScenarioStudents(ownerSql, count);
}
