// The SCIM module's public surface: other modules import only this file.
export { scimModule, type ScimServices } from './module.js';
export type { DeletedScimToken, ScimTokenCreate, ScimTokenDto, ScimTokenWithSecret } from './scim.dto.js';
