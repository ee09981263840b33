/**
 * Which sync projects read from a connection — the hook that makes DELETE /api/connections/{id}
 * answer 409 while a connection is in use (shared/directory/connections.ts, deleteConnection).
 *
 * Sync projects do not exist yet (issue 13, "Connections and sync, for real"). When they land,
 * answer from their repository here, e.g. a `syncProjects.byConnection(organizationId,
 * connectionId)` access pattern (a gsi1 partition per connection, so the check stays one query),
 * and the delete refuses with the projects' names. Until then no project uses any connection.
 */
export interface ConnectionUser {
  id: string;
  name: string;
}

/** The sync projects of `organizationId` that use `connectionId` (none yet: see above). */
export async function syncProjectsUsingConnection(_organizationId: string, _connectionId: string): Promise<ConnectionUser[]> {
  return [];
}
