/**
 * An email domain.
 * @maxLength 253
 * @example "acme.com"
 */
export type EmailDomain = string;

/**
 * An OAuth scope.
 * @maxLength 100
 * @example "email"
 */
export type OidcScope = string;

export interface SsoAttributeMapping {
  /**
   * The attribute (SAML) or claim (OIDC) holding the email address. Default `email`.
   * @maxLength 200
   * @example "email"
   */
  email: string;
  /**
   * The attribute or claim holding the display name. Default `name`.
   * @maxLength 200
   * @example "name"
   */
  name: string;
  /**
   * The attribute or claim holding the user's groups. Default `groups`.
   * @maxLength 200
   * @example "groups"
   */
  groups: string;
}

export interface SsoGroupRole {
  /**
   * A group name as the identity provider sends it.
   * @minLength 1
   * @maxLength 200
   * @example "Engineering"
   */
  group: string;
  /**
   * The role key members of the group get (see `GET /v1/roles`).
   * @maxLength 40
   * @example "developer"
   */
  role: string;
}

export interface SamlCertificateInfo {
  /** SHA-256 fingerprint of the certificate (or public key), hex with colons. */
  fingerprint_sha256: string;
  /** The certificate's subject; null for a bare public key. */
  subject: string | null;
  /** When the certificate expires; null for a bare public key. */
  not_after: string | null;
}

export interface SamlConnectionDto {
  /** @example "https://idp.acme.com/saml/metadata" */
  idp_entity_id: string;
  /** Where sign-ins are sent (HTTP-Redirect binding). @example "https://idp.acme.com/saml/sso" */
  idp_sso_url: string;
  idp_certificates: SamlCertificateInfo[];
  /** Accept responses the IdP starts itself (no request from Plinth). Off by default. */
  allow_idp_initiated: boolean;
  /**
   * Plinth's entity id for this connection: enter it as the audience at the IdP. A URL built from
   * PUBLIC_URL, so it is as long as that is.
   * @maxLength 2048
   */
  sp_entity_id: string;
  /**
   * Plinth's assertion consumer service URL for this connection: enter it at the IdP.
   * @maxLength 2048
   */
  acs_url: string;
}

export interface OidcConnectionDto {
  /** @example "https://acme.okta.com" */
  issuer: string;
  /** @example "0oa1b2c3d4e5f6g7h8i9" */
  client_id: string;
  /** The client secret is stored encrypted and never returned. */
  client_secret_set: boolean;
  scopes: string[];
  /** The redirect URI to register at the provider. */
  redirect_uri: string;
}

export interface SsoConnectionDto {
  /** @example "conn_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'sso_connection';
  tenant_id: string;
  type: 'saml' | 'oidc';
  /** @example "Acme Okta" */
  name: string;
  /** Inactive connections refuse sign-ins. */
  status: 'active' | 'inactive';
  /** Email domains whose users sign in through this connection (`GET /v1/sso/authorize?email=`). */
  domains: string[];
  saml: SamlConnectionDto | null;
  oidc: OidcConnectionDto | null;
  attribute_mapping: SsoAttributeMapping;
  /** The role of users no group mapping matches. */
  default_role: string;
  /** Group to role mapping, first match wins. */
  group_roles: SsoGroupRole[];
  created_at: string;
  updated_at: string;
}

export interface SamlConnectionInput {
  /**
   * The IdP's SAML metadata XML. Supplies the entity id, SSO URL and signing certificates; fields
   * given beside it win.
   * @maxLength 60000
   */
  metadata_xml?: string;
  /**
   * @maxLength 500
   * @example "https://idp.acme.com/saml/metadata"
   */
  idp_entity_id?: string;
  /**
   * @maxLength 2000
   * @example "https://idp.acme.com/saml/sso"
   */
  idp_sso_url?: string;
  /**
   * The IdP's signing certificate, PEM (a bare public key is accepted too).
   * @maxLength 10000
   */
  idp_certificate?: string;
  allow_idp_initiated?: boolean;
}

export interface OidcConnectionInput {
  /**
   * The provider's issuer URL; its discovery document is read when the connection is saved.
   * @maxLength 2000
   * @example "https://acme.okta.com"
   */
  issuer?: string;
  /**
   * @minLength 1
   * @maxLength 500
   */
  client_id?: string;
  /**
   * @minLength 1
   * @maxLength 2000
   */
  client_secret?: string;
  /**
   * Scopes to ask for; `openid` is always included. Default `openid email profile`.
   * @maxItems 20
   */
  scopes?: OidcScope[];
}

export interface SsoConnectionCreate {
  type: 'saml' | 'oidc';
  /**
   * @minLength 1
   * @maxLength 200
   * @example "Acme Okta"
   */
  name: string;
  /**
   * Email domains for discovery; each can belong to one connection on the platform.
   * @maxItems 50
   * @example ["acme.com"]
   */
  domains?: EmailDomain[];
  /** Required when `type` is `saml`. */
  saml?: SamlConnectionInput;
  /** Required when `type` is `oidc`. */
  oidc?: OidcConnectionInput;
  attribute_mapping?: Partial<SsoAttributeMapping>;
  /**
   * Role of new users no group mapping matches. Default `member`.
   * @maxLength 40
   */
  default_role?: string;
  /** @maxItems 100 */
  group_roles?: SsoGroupRole[];
}

export interface SsoConnectionUpdate {
  /**
   * @minLength 1
   * @maxLength 200
   */
  name?: string;
  status?: 'active' | 'inactive';
  /** @maxItems 50 */
  domains?: EmailDomain[];
  saml?: SamlConnectionInput;
  oidc?: OidcConnectionInput;
  attribute_mapping?: Partial<SsoAttributeMapping>;
  /** @maxLength 40 */
  default_role?: string;
  /** @maxItems 100 */
  group_roles?: SsoGroupRole[];
}

export interface DeletedSsoConnection {
  id: string;
  object: 'sso_connection';
  deleted: true;
}

export interface SsoTokenRequest {
  /**
   * The single-use `code` Plinth appended to your `redirect_uri` (valid 60 seconds).
   * @minLength 1
   * @maxLength 200
   */
  code: string;
  /**
   * The PKCE verifier, when `GET /v1/sso/authorize` was given a `code_challenge`.
   * @minLength 43
   * @maxLength 128
   */
  code_verifier?: string;
}

export interface SamlAcsForm {
  /**
   * The base64 SAML response the IdP posts.
   * @maxLength 500000
   */
  SAMLResponse: string;
  /** @maxLength 2000 */
  RelayState?: string;
}
