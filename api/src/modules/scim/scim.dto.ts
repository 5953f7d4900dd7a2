export interface ScimTokenCreate {
  /**
   * @minLength 1
   * @maxLength 200
   * @example "Okta provisioning"
   */
  name: string;
}

export interface ScimTokenDto {
  /** @example "stk_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'scim_token';
  name: string;
  /** The first characters of the token, to recognise it. @example "scim_4f3a" */
  prefix: string;
  /** The SCIM base URL to give the identity provider. */
  scim_base_url: string;
  created_at: string;
  last_used_at: string | null;
}

export interface ScimTokenWithSecret extends ScimTokenDto {
  /** The bearer token for the SCIM endpoint, shown in this response only. */
  token: string;
}

export interface DeletedScimToken {
  id: string;
  object: 'scim_token';
  deleted: true;
}
