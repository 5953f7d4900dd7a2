import type { EntityManager } from '@mikro-orm/postgresql';

export interface TokenRow {
  id: string;
  tenant_id: string;
  email: string;
  role: string;
  status: string;
  expires_at: Date;
}

/** The invitation with this keyed token hash, read before any tenant is set (SECURITY DEFINER). */
export async function invitationByTokenHash(em: EntityManager, tokenHash: string): Promise<TokenRow | undefined> {
  const [row] = await em.execute<TokenRow[]>('select * from plinth_invitation_by_token(?)', [tokenHash]);
  return row;
}
