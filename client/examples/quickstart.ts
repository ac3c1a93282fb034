// The README's SDK example, verbatim between the region markers; tests/e2e/sdk.test.ts
// runs it against the local stack and checks the README still quotes it.
import type { SupabaseClient } from '@supabase/supabase-js';
import { createExamClient } from '../src/index.ts';

export async function quickstart(supabase: SupabaseClient, attemptId: string, questionId: string) {
  // #region quickstart
  const exam = createExamClient({ supabase });
  const attempt = await exam.open(attemptId);
  attempt.subscribe(({ syncing, pendingChanges }) => console.log(syncing ? 'Saving…' : `${pendingChanges} queued`));
  await attempt.answer(questionId, 'b');
  await attempt.flush();
  // #endregion quickstart
  return attempt;
}
