import type { ObjectFactory, SampleBody } from '../../../test/support/fixtures';
import { SamlIdp } from '../../../test/support/saml-idp';

/** A SAML IdP's metadata (with a real certificate) for the connection bodies: `prepare()` makes it once. */
let idpMetadata = '';

export async function prepare(): Promise<void> {
  idpMetadata ||= (await SamlIdp.create()).metadata();
}

export const bodies: Record<string, SampleBody> = {
  createSsoConnection: () => ({ type: 'saml', name: 'IdP', saml: { metadata_xml: idpMetadata } }),
  updateSsoConnection: () => ({ name: 'Renamed' }),
  consumeSamlResponse: () => ({ SAMLResponse: 'bm90IGEgcmVzcG9uc2U=' }),
  exchangeSsoCode: () => ({ code: 'ssoc_nope' }),
};

export const objectFactories: Record<string, ObjectFactory> = {
  '/v1/sso/connections/{id}': async (t, b) => {
    const id = (
      await t.http
        .post('/v1/sso/connections')
        .set(b.auth)
        .send(bodies.createSsoConnection!(0) as object)
    ).body.id;
    return { id, read: async () => (await t.http.get(`/v1/sso/connections/${id}`).set(b.auth)).body };
  },
};
