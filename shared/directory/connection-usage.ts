/**
 * Which sync projects read from a connection — the hook that makes DELETE /api/connections/{id}
 * answer 409 while a connection is in use (shared/directory/connections.ts, deleteConnection).
 * One query of the connection's gsi1 partition (syncProjects.byConnection).
 */
import * as syncProjects from '../storage/sync-projects.ts';

export interface ConnectionUser {
  id: string;
  name: string;
}

/** The sync projects of `organizationId` that use `connectionId`. */
export async function syncProjectsUsingConnection(organizationId: string, connectionId: string): Promise<ConnectionUser[]> {
  return (await syncProjects.byConnection(organizationId, connectionId)).map((project) => ({ id: project.id, name: project.name }));
}
