import { describe, expect, it } from 'vitest';
import { FunctionsHttpError } from '@supabase/supabase-js';
import { mintToken } from '../../scripts/lib/jwt.mjs';
import { apiUrl, clientFor } from './support.ts';

describe('health through supabase-js', () => {
  it('reports the database reachable and the latest migration', async () => {
    const { data, error } = await clientFor().functions.invoke('health', { method: 'GET' });
    expect(error).toBeNull();
    expect(data).toMatchObject({ status: 'ok', database: 'ok' });
    expect(data.migration).toMatch(/^\d{14}$/);
    expect(data.details).toBeUndefined();
  });

  it('gives details to the service role only', async () => {
    const response = await fetch(`${apiUrl}/functions/v1/health`, {
      headers: { Authorization: `Bearer ${mintToken({ role: 'service_role' })}` },
    });
    const body = await response.json();
    expect(response.status).toBe(200);
    expect(body.details.cron_jobs.map((job: { jobname: string }) => job.jobname)).toContain('examsync-expire-attempts');
  });

  it('answers an unknown function with a JSON 404', async () => {
    const { error } = await clientFor('student1').functions.invoke('no-such-function', { method: 'GET' });
    expect(error).toBeInstanceOf(FunctionsHttpError);
    const response = (error as FunctionsHttpError).context as Response;
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'function_not_found' });
  });
});
