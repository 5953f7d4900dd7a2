export interface MemberUser {
  /** @example "usr_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  /** @example "jane@acme.com" */
  email: string;
  /** @example "Jane Cooper" */
  name: string;
}

export interface MemberDto {
  /** @example "mem_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'member';
  user: MemberUser;
  /** A system role key or a custom role key. @example "admin" */
  role: string;
  /** `deactivated` when the identity provider turned the user off (SCIM `active: false`). */
  status: 'active' | 'deactivated';
  created_at: string;
  updated_at: string;
}

export interface MemberUpdate {
  /**
   * The new role key.
   * @maxLength 40
   * @example "developer"
   */
  role: string;
}
