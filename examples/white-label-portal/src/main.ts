// A white-label customer portal built on @plinth/sdk: sign in, list and create customers, manage
// API keys. Its name, colour, logo and API address come from config.json, so a reseller rebrands it
// without touching code. Bundled with esbuild (build.mjs); it calls the API directly (CORS).
import { Plinth, PlinthError } from '@plinth/sdk';

interface Config {
  brandName: string;
  primaryColor: string;
  logo: string;
  apiBaseUrl: string;
}

const app = document.getElementById('app')!;
let config: Config;
let plinth: Plinth | undefined;

const h = (html: string) => {
  const t = document.createElement('template');
  t.innerHTML = html.trim();
  return t.content.firstElementChild as HTMLElement;
};
const text = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const message = (err: unknown) => (err instanceof PlinthError ? `${err.detail} (${err.code})` : String(err));

async function boot(): Promise<void> {
  config = (await (await fetch('config.json')).json()) as Config;
  document.documentElement.style.setProperty('--brand', config.primaryColor);
  document.title = `${config.brandName} · customer portal`;
  (document.getElementById('brand') as HTMLElement).textContent = config.brandName;
  (document.getElementById('logo') as HTMLImageElement).src = config.logo;
  document.getElementById('signout')!.addEventListener('click', () => {
    void plinth?.auth.logout().catch(() => {});
    plinth = undefined;
    signIn();
  });
  signIn();
}

function signIn(): void {
  document.getElementById('signout')!.hidden = true;
  app.replaceChildren(
    h(`<section id="signin"><h2>Sign in to ${text(config.brandName)}</h2>
      <form><input name="email" type="email" placeholder="Email" required /><input name="password" type="password" placeholder="Password" required /><button>Sign in</button></form>
      <p class="error" role="alert"></p></section>`),
  );
  const form = app.querySelector('form')!;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    try {
      const anonymous = new Plinth({ baseUrl: config.apiBaseUrl });
      let session = await anonymous.auth.login({ email: String(data.get('email')), password: String(data.get('password')) });
      if (session.object === 'mfa_challenge') {
        // Two-factor authentication is on: ask for a code from the authenticator app.
        const code = window.prompt('Enter the 6-digit code from your authenticator app (or a recovery code)') ?? '';
        session = await anonymous.auth.completeMfa({ challenge: session.challenge, code });
      }
      plinth = new Plinth({ baseUrl: config.apiBaseUrl, accessToken: session.access_token });
      await dashboard();
    } catch (err) {
      app.querySelector('.error')!.textContent = message(err);
    }
  });
}

async function dashboard(): Promise<void> {
  document.getElementById('signout')!.hidden = false;
  app.replaceChildren(
    h(`<section id="customers"><h2>Customers</h2>
      <form><input name="name" placeholder="Name" required /><input name="email" type="email" placeholder="Email" /><button>Add customer</button></form>
      <p class="error" role="alert"></p><table><thead><tr><th>Name</th><th>Email</th><th>Created</th></tr></thead><tbody></tbody></table></section>`),
    h(`<section id="keys"><h2>API keys</h2>
      <form><input name="name" placeholder="Key name" required /><button>Create key</button></form>
      <p class="secret" hidden></p><p class="error" role="alert"></p>
      <table><thead><tr><th>Name</th><th>Key</th><th></th></tr></thead><tbody></tbody></table></section>`),
  );
  const customers = app.querySelector<HTMLElement>('#customers')!;
  customers.querySelector('form')!.addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    try {
      await plinth!.customers.create({ name: String(data.get('name')), ...(data.get('email') ? { email: String(data.get('email')) } : {}) });
      form.reset();
      await listCustomers();
    } catch (err) {
      customers.querySelector('.error')!.textContent = message(err);
    }
  });
  const keys = app.querySelector<HTMLElement>('#keys')!;
  keys.querySelector('form')!.addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    try {
      const key = await plinth!.apiKeys.create({ name: String(new FormData(form).get('name')), scopes: ['customers:read', 'customers:write'] });
      const shown = keys.querySelector<HTMLElement>('.secret')!;
      shown.hidden = false;
      shown.textContent = `Copy this secret now; it is not shown again: ${key.secret}`;
      form.reset();
      await listKeys();
    } catch (err) {
      keys.querySelector('.error')!.textContent = message(err);
    }
  });
  await Promise.all([listCustomers(), listKeys()]);
}

async function listCustomers(): Promise<void> {
  const rows: string[] = [];
  for await (const c of plinth!.customers.list({ limit: 100 })) {
    rows.push(`<tr><td>${text(c.name)}</td><td>${text(c.email)}</td><td>${text(new Date(c.created_at).toLocaleString())}</td></tr>`);
  }
  app.querySelector('#customers tbody')!.innerHTML = rows.join('');
}

async function listKeys(): Promise<void> {
  const body = app.querySelector('#keys tbody')!;
  body.replaceChildren();
  for await (const k of plinth!.apiKeys.list()) {
    const row = h(
      `<tr><td>${text(k.name)}</td><td><code>${text(k.prefix)}…${text(k.last4)}</code></td><td><button data-id="${text(k.id)}">Revoke</button></td></tr>`,
    );
    row.querySelector('button')!.addEventListener('click', async () => {
      await plinth!.apiKeys.revoke(k.id);
      await listKeys();
    });
    body.append(row);
  }
}

void boot();
