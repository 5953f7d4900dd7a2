import { IdempotencyKey } from '../core/db/idempotency.entity.js';
import { ApiKey } from './api-keys/api-keys.entity.js';
import { EmailToken, RefreshToken, Session, User } from './auth/auth.entity.js';
import { Customer } from './customers/customers.entity.js';
import { Invitation } from './invitations/invitations.entity.js';
import { Membership } from './members/members.entity.js';
import { Role } from './roles/roles.entity.js';
import { Tenant } from './tenants/tenants.entity.js';
import { WebhookDelivery, WebhookEndpoint } from './webhooks/webhooks.entity.js';
import { MfaChallengeRow, RecoveryCode } from './auth/mfa.entity.js';
import { ScimGroup, ScimToken, SsoConnection } from './sso/sso.entity.js';

/** Every entity, for the ORM. Each module owns its own. */
export const entities = [
  Tenant,
  User,
  Session,
  RefreshToken,
  EmailToken,
  Role,
  Membership,
  Invitation,
  ApiKey,
  Customer,
  IdempotencyKey,
  WebhookEndpoint,
  WebhookDelivery,
  RecoveryCode,
  MfaChallengeRow,
  SsoConnection,
  ScimToken,
  ScimGroup,
];
