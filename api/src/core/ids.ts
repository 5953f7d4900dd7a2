import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** The prefix names the type, as in Stripe: `cus_01J...`. ULIDs sort by creation time. */
export const ID_PREFIXES = {
  tenant: 'ten',
  user: 'usr',
  membership: 'mem',
  invitation: 'inv',
  role: 'role',
  apiKey: 'key',
  customer: 'cus',
  session: 'ses',
  refreshToken: 'rtk',
  emailToken: 'etk',
  event: 'evt',
  webhookEndpoint: 'we',
  webhookDelivery: 'wd',
  auditLog: 'aud',
  auditExport: 'aex',
  recoveryCode: 'mrc',
  mfaChallenge: 'mfc',
  ssoConnection: 'conn',
  scimToken: 'stk',
  scimGroup: 'grp',
  ssoLogin: 'ssl',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${next()}`;
}

/** True when `id` looks like an id of `kind`; used to answer 404 early for a foreign-looking id. */
export function isId(kind: IdKind, id: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-HJKMNP-TV-Z]{26}$`).test(id);
}
