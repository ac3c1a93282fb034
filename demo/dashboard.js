// The one place that reads get_session_dashboard's result: fields by name, so a typed
// composite instead of jsonb changes only this module.

/** The dashboard in the page's shape. */
export function toDashboard(raw) {
  const session = raw?.session ?? {};
  return {
    session: {
      id: session.id, title: session.title, status: session.status, joinCode: session.join_code,
      pausedAt: session.paused_at ?? null, remainingMs: session.remaining_ms ?? null,
    },
    participants: (raw?.participants ?? []).map((p) => ({
      userId: p.user_id, name: p.display_name ?? p.user_id, status: p.status, attemptStatus: p.attempt_status ?? null,
      devices: Number(p.connected_devices ?? 0), answered: Number(p.answered ?? 0), total: Number(p.total ?? 0),
      flagged: Number(p.flagged ?? 0), remainingMs: p.remaining_ms ?? null, extensionSeconds: Number(p.extension_seconds ?? 0),
      score: p.score ?? null, maxScore: p.max_score ?? null,
    })),
    totals: raw?.totals ?? {},
    serverNow: Date.parse(raw?.server_now ?? new Date().toISOString()),
  };
}
