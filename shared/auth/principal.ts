/** Who is calling. The organization always comes from the verified credential, never from input. */
export type Principal =
  | {
      kind: 'user';
      organizationId: string;
      userId: string;
      scopes: ReadonlySet<string>;
    }
  | {
      kind: 'client';
      organizationId: string;
      /** The client registration's UUID. */
      clientId: string;
      scopes: ReadonlySet<string>;
    }
  | { kind: 'operator' };

/** Audit actor fields for a principal. */
export function actorOf(principal: Principal): { actorType: 'user' | 'client' | 'operator'; actorId: string } {
  switch (principal.kind) {
    case 'user':
      return { actorType: 'user', actorId: principal.userId };
    case 'client':
      return { actorType: 'client', actorId: principal.clientId };
    case 'operator':
      return { actorType: 'operator', actorId: 'operator' };
  }
}
