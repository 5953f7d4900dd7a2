// The auth module's public surface: other modules import only this file.
export { authModule, type AuthService, type AuthServices, type MembershipWriter } from './module.js';
export type { SessionOrigin } from './sessions.service.js';
export type { AuthTokens, UserDto } from './auth.dto.js';
export type { User } from './auth.entity.js';
export type { UserEvent } from './auth.events.js';
export type { MfaEvent } from './mfa.events.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { recordForUser, toUserDto, type Client } from './user-events.js';
// The user directory: users belong to no tenant, so other modules read them through these.
export { revokeSessionsInTenant, userByEmail, usersById } from './users.repository.js';
