import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import type { CacheItem, CacheProvider, Profile, SAML } from '@node-saml/passport-saml';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiError, unprocessable } from '../../core/http/errors.js';
import type { SamlCertificateInfo } from './sso.dto.js';
import type { SamlSettings, SsoConnection } from './sso.entity.js';
import { consumeRequest, liveRequestCreatedAt, requestState } from './sso.repository.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
/** Bounded clock skew between Plinth and the IdP. */
export const CLOCK_SKEW_MS = 60_000;
/** How long a sign-in may take at the IdP. */
export const REQUEST_TTL_MS = 10 * 60_000;

export interface SpEndpoints {
  entityId: string;
  acsUrl: string;
}

export function spEndpoints(baseUrl: string, connectionId: string): SpEndpoints {
  return { entityId: `${baseUrl}/v1/sso/saml/${connectionId}`, acsUrl: `${baseUrl}/v1/sso/saml/${connectionId}/acs` };
}

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 422: 'Unprocessable Content' };

/** A rejected sign-in: a problem for the caller and a reason for `sso.login.failed`. */
export class SsoFailure extends ApiError {
  constructor(status: number, code: string, detail: string) {
    super(status, code, TITLES[status] ?? 'Unauthorized', detail);
  }
}

const reject = (code: string, detail: string) => new SsoFailure(401, code, detail);

function parseXml(xml: string): Document | undefined {
  let failed = false;
  const doc = new DOMParser({
    locator: {},
    errorHandler: { error: () => void (failed = true), fatalError: () => void (failed = true), warning: () => undefined },
  }).parseFromString(xml, 'text/xml') as unknown as Document;
  return failed || !doc?.documentElement ? undefined : doc;
}

/** Reads entity id, SSO URL (redirect binding preferred) and signing certificates from IdP metadata. */
export function parseIdpMetadata(xml: string): { entityId?: string; ssoUrl?: string; certificates: string[] } {
  const doc = parseXml(xml);
  const root = doc?.documentElement;
  if (!doc || !root || root.localName !== 'EntityDescriptor' || root.namespaceURI !== MD) {
    throw unprocessable('invalid_saml_metadata', 'metadata_xml is not SAML 2.0 metadata (an md:EntityDescriptor).', [
      { path: 'saml.metadata_xml', message: 'must be an md:EntityDescriptor document' },
    ]);
  }
  const idp = Array.from(doc.getElementsByTagNameNS(MD, 'IDPSSODescriptor'))[0];
  if (!idp)
    throw unprocessable('invalid_saml_metadata', 'The metadata has no IDPSSODescriptor.', [
      { path: 'saml.metadata_xml', message: 'needs an IDPSSODescriptor' },
    ]);
  const services = Array.from(idp.getElementsByTagNameNS(MD, 'SingleSignOnService'));
  const service = services.find((s) => s.getAttribute('Binding') === REDIRECT) ?? services.find((s) => s.getAttribute('Binding') === POST);
  const certificates = Array.from(idp.getElementsByTagNameNS(MD, 'KeyDescriptor'))
    .filter((k) => !k.getAttribute('use') || k.getAttribute('use') === 'signing')
    .flatMap((k) => Array.from(k.getElementsByTagNameNS(DS, 'X509Certificate')))
    .map((c) => toPem((c.textContent ?? '').replace(/\s+/g, '')));
  return { entityId: root.getAttribute('entityID') ?? undefined, ssoUrl: service?.getAttribute('Location') ?? undefined, certificates };
}

function toPem(base64: string): string {
  return `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`;
}

/** A PEM certificate or public key as the IdP gave it, checked; bare base64 DER certificates are wrapped. */
export function normalizeCertificate(input: string, path: string): string {
  const trimmed = input.trim();
  const pem = trimmed.startsWith('-----BEGIN') ? trimmed + '\n' : toPem(trimmed.replace(/\s+/g, ''));
  try {
    if (pem.includes('BEGIN CERTIFICATE')) new X509Certificate(pem);
    else if (pem.includes('BEGIN PUBLIC KEY')) createPublicKey(pem);
    else throw new Error('unknown PEM');
    return pem;
  } catch {
    throw unprocessable('invalid_certificate', 'The IdP signing certificate is not a PEM X.509 certificate or public key.', [
      { path, message: 'must be a PEM certificate' },
    ]);
  }
}

export function certificateInfo(pem: string): SamlCertificateInfo {
  const colons = (hex: string) => hex.toUpperCase().match(/.{2}/g)!.join(':');
  if (pem.includes('BEGIN CERTIFICATE')) {
    const cert = new X509Certificate(pem);
    return { fingerprint_sha256: cert.fingerprint256, subject: cert.subject.replace(/\n/g, ', '), not_after: new Date(cert.validTo).toISOString() };
  }
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return { fingerprint_sha256: colons(createHash('sha256').update(der).digest('hex')), subject: null, not_after: null };
}

/**
 * node-saml's request store, in PostgreSQL: every process sees the same outstanding requests, and a
 * request is consumed by the first response to it. Removing marks the row consumed rather than
 * deleting it, so that a replay can be told apart from a request Plinth never made.
 */
export class PgRequestStore implements CacheProvider {
  constructor(
    private readonly em: EntityManager,
    private readonly connectionId: string,
  ) {}

  async saveAsync(key: string, value: string): Promise<CacheItem | null> {
    // Authorize inserts the row (with the redirect and state) before node-saml builds the request.
    return { value, createdAt: Date.now() };
  }

  async getAsync(key: string): Promise<string | null> {
    const createdAt = await liveRequestCreatedAt(this.em, key, this.connectionId);
    return createdAt ? new Date(createdAt).toISOString() : null;
  }

  async removeAsync(key: string | null): Promise<string | null> {
    if (!key) return null;
    return (await consumeRequest(this.em, key, this.connectionId)) ?? null;
  }

  /** Why an InResponseTo was refused: replayed, expired, or never issued. */
  async refusal(key: string): Promise<SsoFailure> {
    const row = await requestState(this.em, key, this.connectionId);
    if (row?.consumed_at) return reject('saml_replayed', 'This SAML response answers a sign-in request that was already used; start a new sign-in.');
    if (row) return reject('saml_request_expired', 'The sign-in request this response answers has expired; start a new sign-in.');
    return reject('saml_unknown_request', 'This SAML response answers no sign-in request Plinth made (unknown InResponseTo).');
  }
}

/** node-saml, loaded with the first SAML operation: most deployments never run one (~0.1 s of every start). */
let nodeSaml: Promise<typeof import('@node-saml/passport-saml')> | undefined;

export async function samlEngine(conn: SsoConnection, sp: SpEndpoints, store: CacheProvider, requestId?: string): Promise<SAML> {
  const { SAML, ValidateInResponseTo } = await (nodeSaml ??= import('@node-saml/passport-saml'));
  const saml = conn.saml as SamlSettings;
  return new SAML({
    entryPoint: saml.idpSsoUrl,
    issuer: sp.entityId,
    audience: sp.entityId,
    callbackUrl: sp.acsUrl,
    idpCert: saml.idpCertificates,
    idpIssuer: saml.idpEntityId,
    wantAuthnResponseSigned: true,
    wantAssertionsSigned: true,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    validateInResponseTo: saml.allowIdpInitiated ? ValidateInResponseTo.ifPresent : ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: REQUEST_TTL_MS,
    cacheProvider: store,
    identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    disableRequestedAuthnContext: true,
    generateUniqueId: () => requestId ?? '',
  });
}

export interface SamlIdentity {
  subject: string;
  attributes: Record<string, unknown>;
  nameId: string | null;
  inResponseTo: string | null;
  assertionId: string;
  expiresAt: Date;
}

/**
 * Validates a posted SAML response. node-saml checks the signatures (both the Response and the
 * Assertion must be signed by the IdP's key, with one assertion only), InResponseTo, the audience and
 * the time conditions; Plinth then checks what node-saml does not: the issuer, the Response's
 * Destination and the assertion's Recipient (both the ACS URL).
 */
export async function validateSamlResponse(conn: SsoConnection, sp: SpEndpoints, store: PgRequestStore, form: { SAMLResponse: string }): Promise<SamlIdentity> {
  const raw = Buffer.from(form.SAMLResponse, 'base64').toString('utf8');
  const doc = parseXml(raw);
  if (!doc || doc.documentElement?.localName !== 'Response') {
    throw new SsoFailure(400, 'saml_malformed', 'SAMLResponse is not a base64-encoded SAML Response document.');
  }
  let profile: Profile | null;
  try {
    ({ profile } = await (await samlEngine(conn, sp, store)).validatePostResponseAsync({ SAMLResponse: form.SAMLResponse }));
  } catch (err) {
    throw await explain(err, store, doc);
  }
  if (!profile) throw reject('saml_no_assertion', 'The SAML response carries no assertion.');
  const saml = conn.saml as SamlSettings;
  if (profile.issuer !== saml.idpEntityId) {
    throw reject('saml_wrong_issuer', `The assertion was issued by '${profile.issuer ?? 'nobody'}', not by this connection's IdP '${saml.idpEntityId}'.`);
  }
  // The Response is signed as a whole (checked above), so its root attributes are authentic.
  const destination = doc.documentElement.getAttribute('Destination');
  if (destination !== sp.acsUrl) {
    throw reject('saml_wrong_recipient', `The response's Destination is '${destination ?? 'missing'}', not this connection's ACS URL ${sp.acsUrl}.`);
  }
  const assertion = parseXml(profile.getAssertionXml?.() ?? '')?.documentElement;
  if (!assertion) throw reject('saml_no_assertion', 'The SAML response carries no readable assertion.');
  const confirmations = Array.from(assertion.getElementsByTagNameNS(ASSERTION, 'SubjectConfirmationData'));
  const recipient = confirmations.map((c) => c.getAttribute('Recipient')).find((r) => r);
  if (recipient !== sp.acsUrl) {
    throw reject('saml_wrong_recipient', `The assertion's Recipient is '${recipient ?? 'missing'}', not this connection's ACS URL ${sp.acsUrl}.`);
  }
  const ends = [
    ...confirmations.map((c) => c.getAttribute('NotOnOrAfter')),
    ...Array.from(assertion.getElementsByTagNameNS(ASSERTION, 'Conditions')).map((c) => c.getAttribute('NotOnOrAfter')),
  ]
    .filter((v): v is string => !!v)
    .map((v) => Date.parse(v))
    .filter((v) => Number.isFinite(v));
  const assertionId = assertion.getAttribute('ID');
  if (!assertionId) throw reject('saml_invalid_signature', 'The assertion has no ID.');
  if (!profile.nameID) throw reject('saml_no_subject', 'The assertion has no NameID to identify the user.');
  return {
    subject: profile.nameID,
    nameId: profile.nameID,
    attributes: (profile.attributes as Record<string, unknown> | undefined) ?? {},
    inResponseTo: typeof profile.inResponseTo === 'string' ? profile.inResponseTo : null,
    assertionId,
    expiresAt: new Date((ends.length ? Math.max(...ends) : Date.now() + 24 * 3600_000) + CLOCK_SKEW_MS),
  };
}

async function explain(err: unknown, store: PgRequestStore, doc: Document): Promise<SsoFailure> {
  const message = err instanceof Error ? err.message : String(err);
  if (/InResponseTo is missing/.test(message)) {
    return reject(
      'saml_idp_initiated_not_allowed',
      'This connection accepts only sign-ins started by Plinth (the response has no InResponseTo); IdP-initiated sign-in is off.',
    );
  }
  if (/InResponseTo is not valid|SubjectInResponseTo is not valid|InResponseTo does not match/.test(message)) {
    return store.refusal(doc.documentElement.getAttribute('InResponseTo') ?? '');
  }
  if (/signature|Cannot obtain assertion|multiple assertions|No certificate/i.test(message)) {
    return reject('saml_invalid_signature', "The SAML response or its assertion is not signed by this connection's IdP certificate.");
  }
  if (/audience|AudienceRestriction/i.test(message))
    return reject('saml_wrong_audience', 'The assertion is meant for another service provider (audience mismatch).');
  if (/not yet valid/.test(message))
    return reject('saml_not_yet_valid', 'The assertion is not valid yet (NotBefore is in the future beyond the allowed clock skew).');
  if (/expired|too old|No valid subject confirmation/.test(message))
    return reject('saml_expired', 'The assertion has expired (NotOnOrAfter is in the past beyond the allowed clock skew).');
  if (/SAML provider returned/.test(message))
    return reject('saml_idp_error', `The IdP refused the sign-in: ${message.replace(/^SAML provider returned /, '')}.`);
  return new SsoFailure(400, 'saml_malformed', `The SAML response could not be processed: ${message}.`);
}
