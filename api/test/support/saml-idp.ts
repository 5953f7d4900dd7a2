import { randomBytes } from 'node:crypto';
import { generate } from 'selfsigned';
import { SignedXml } from 'xml-crypto';

/**
 * A SAML identity provider for tests: it holds its own RSA key and self-signed certificate, publishes
 * metadata, and builds Responses signed with xml-crypto exactly as real IdPs do (enveloped,
 * exclusive c14n, RSA-SHA256): the Assertion signed, then the whole Response.
 */
export class SamlIdp {
  private constructor(
    readonly entityId: string,
    readonly ssoUrl: string,
    readonly privateKey: string,
    readonly certificate: string,
  ) {}

  static async create(entityId = `https://idp.example.com/${randomBytes(4).toString('hex')}`): Promise<SamlIdp> {
    const pems = await generate([{ name: 'commonName', value: 'Test IdP' }], { keySize: 2048, algorithm: 'sha256' });
    return new SamlIdp(entityId, `${entityId}/sso`, pems.private, pems.cert);
  }

  metadata(): string {
    const der = this.certificate.replace(/-----[^-]+-----|\s+/g, '');
    return `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${this.entityId}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${this.ssoUrl}"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${this.ssoUrl}/post"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
  }

  /** The unsigned Response; `signed()` signs it. Every field can be bent to build an attack. */
  responseXml(o: {
    acsUrl: string;
    audience: string;
    inResponseTo?: string;
    email: string;
    name?: string;
    groups?: string[];
    issuer?: string;
    destination?: string;
    recipient?: string;
    notBefore?: Date;
    notOnOrAfter?: Date;
    assertionId?: string;
  }): string {
    const now = new Date();
    const iso = (d: Date) => d.toISOString();
    const notBefore = o.notBefore ?? new Date(now.getTime() - 30_000);
    const notOnOrAfter = o.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
    const issuer = o.issuer ?? this.entityId;
    const irt = o.inResponseTo ? ` InResponseTo="${o.inResponseTo}"` : '';
    const attr = (name: string, values: string[]) =>
      `<saml:Attribute Name="${name}">${values.map((v) => `<saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${v}</saml:AttributeValue>`).join('')}</saml:Attribute>`;
    return (
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${randomBytes(16).toString('hex')}" Version="2.0" IssueInstant="${iso(now)}" Destination="${o.destination ?? o.acsUrl}"${irt}>` +
      `<saml:Issuer>${issuer}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
      `<saml:Assertion ID="${o.assertionId ?? `_a${randomBytes(16).toString('hex')}`}" Version="2.0" IssueInstant="${iso(now)}">` +
      `<saml:Issuer>${issuer}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${o.email}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${irt} NotOnOrAfter="${iso(notOnOrAfter)}" Recipient="${o.recipient ?? o.acsUrl}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(notOnOrAfter)}"><saml:AudienceRestriction><saml:Audience>${o.audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="_s${randomBytes(8).toString('hex')}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      `<saml:AttributeStatement>${attr('email', [o.email])}${attr('name', [o.name ?? 'Jane Doe'])}${o.groups?.length ? attr('groups', o.groups) : ''}</saml:AttributeStatement>` +
      `</saml:Assertion></samlp:Response>`
    );
  }

  /** Signs the Assertion and then the Response (either can be left out), with this IdP's key or another. */
  sign(xml: string, o: { assertion?: boolean; response?: boolean; key?: string } = {}): string {
    const key = o.key ?? this.privateKey;
    let out = xml;
    if (o.assertion ?? true) out = signAt(out, key, "//*[local-name(.)='Assertion']", "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']");
    if (o.response ?? true) out = signAt(out, key, "/*[local-name(.)='Response']", "/*[local-name(.)='Response']/*[local-name(.)='Issuer']");
    return out;
  }
}

function signAt(xml: string, privateKey: string, reference: string, after: string): string {
  const sig = new SignedXml({ privateKey });
  sig.addReference({
    xpath: reference,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  sig.canonicalizationAlgorithm = 'http://www.w3.org/2001/10/xml-exc-c14n#';
  sig.signatureAlgorithm = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
  sig.computeSignature(xml, { location: { reference: after, action: 'after' } });
  return sig.getSignedXml();
}

export const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
