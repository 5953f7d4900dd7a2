// The API reference: Scalar (its standalone bundle, served from this folder) renders the portal's
// copy of the contract. Its try-it client calls the server this page is served from, and the code
// samples address it too. Nothing is fetched from anywhere else: no fonts, no proxy, no telemetry.
(async () => {
  const origin = window.location.origin;
  const spec = await (await fetch('./openapi.json')).json();
  spec.servers = [{ url: origin, description: 'This Plinth server' }];
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item)) {
      for (const sample of op['x-codeSamples'] ?? []) sample.source = sample.source.replaceAll('%SAMPLE_BASE_URL%', origin);
    }
  }
  window.Scalar.createApiReference('#app', {
    content: spec,
    withDefaultFonts: false,
    telemetry: false,
    showDeveloperTools: 'never',
    hideClientButton: false,
    documentDownloadType: 'none',
    persistAuth: false,
    defaultOpenFirstTag: true,
    orderSchemaPropertiesBy: 'preserve',
    authentication: { preferredSecurityScheme: 'apiKey' },
    metaData: { title: 'API reference · Plinth developers' },
    // The AI agent searches Scalar's hosted registry through its proxy: off (nothing leaves this server).
    agent: { disabled: true },
  });
})();
