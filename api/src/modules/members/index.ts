// The members module's public surface: other modules import only this file.
export { membersModule, type MembersServices } from './module.js';
export { toMemberDto, type JitOutcome, type MembersService } from './members.service.js';
export type { MemberDto } from './members.dto.js';
export { Membership } from './members.entity.js';
export type { MemberEvent } from './members.events.js';
export { breakGlassOwners, countMembersWithRole, membershipOfUser } from './members.repository.js';
