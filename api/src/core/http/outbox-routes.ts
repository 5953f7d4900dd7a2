import { Router, type Request } from 'express';
import ipaddr from 'ipaddr.js';
import type { MailOutbox, OutboxMail } from '../outbox.js';
import { forbidden } from './errors.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * This machine only: the outbox holds live reset and invitation tokens. A tunnel or a proxy on this
 * machine (ngrok, cloudflared, nginx: how webhooks often reach a laptop) connects from loopback too,
 * so a request is local only when it comes from a loopback address, names a local host, and carries
 * no forwarding header.
 */
function fromThisMachine(req: Request): boolean {
  const h = req.headers;
  if (h['x-forwarded-for'] || h['x-forwarded-host'] || h.forwarded || h['x-real-ip']) return false;
  const host = (h.host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (!LOCAL_HOSTS.has(host) && !host.endsWith('.localhost')) return false;
  try {
    return ipaddr.process(req.socket.remoteAddress ?? '').range() === 'loopback';
  } catch {
    return false;
  }
}

/** The next step a developer takes with a mail's token, as a copy-paste curl command. */
function nextStep(mail: OutboxMail, base: string): string | undefined {
  const token = /^\s*(\S+_\S+)\s*$/m.exec(mail.text)?.[1];
  if (!token) return undefined;
  const post = (path: string, body: object) =>
    `curl -X POST ${base}${path} -H 'Content-Type: application/json' -d '${JSON.stringify(body).replace(/'/g, "'\\''")}'`;
  if (/reset your password/i.test(mail.subject)) return post('/v1/auth/password-reset/confirm', { token, password: 'a new long password' });
  if (/verify your email/i.test(mail.subject)) return post('/v1/auth/email-verification/confirm', { token });
  if (/invited/i.test(mail.subject)) return `${post('/v1/invitations/accept', { token })} -H "Authorization: Bearer $ACCESS_TOKEN"`;
  return undefined;
}

function page(mails: OutboxMail[], base: string): string {
  const items = mails
    .map((m) => {
      const step = nextStep(m, base);
      return `<article><h2>${escape(m.subject)}</h2><p class="meta">to <b>${escape(m.to)}</b> · ${escape(m.sent_at)} · ${escape(m.id)}</p><pre>${escape(m.text)}</pre>${
        step ? `<p class="meta">Next step:</p><pre class="cmd">${escape(step)}</pre>` : ''
      }</article>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Outbox · Plinth (development)</title><meta http-equiv="refresh" content="5">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:880px;margin:2rem auto;padding:0 1rem;color:#111}article{border:1px solid #ddd;border-radius:8px;padding:0 1rem;margin:1rem 0}
h2{font-size:1.05rem}pre{background:#f6f6f6;padding:.75rem;white-space:pre-wrap;word-break:break-all}.cmd{background:#0f172a;color:#e2e8f0}.meta{color:#555;font-size:.9rem}</style></head>
<body><h1>Outbox</h1><p>Mail Plinth would have sent. SMTP_URL is unset, so in development it is kept here (newest first; the page refreshes every 5 s).
JSON: <code>curl ${escape(base)}/dev/outbox -H 'Accept: application/json'</code>. Set SMTP_URL to send real mail; with NODE_ENV=production this page does not exist.</p>
${items || '<p><i>No mail yet. Sign up, ask for a password reset or invite someone.</i></p>'}</body></html>`;
}

/**
 * `GET /dev/outbox`: the development outbox (HTML for a browser, `{ data: [...] }` for
 * `Accept: application/json`, `?to=` to narrow to one address). Mounted only when the outbox exists
 * (SMTP_URL unset and NODE_ENV not production) and answered only to this machine.
 */
export function outboxRoutes(outbox: MailOutbox, publicUrl: string | undefined): Router {
  const router = Router();
  router.get('/', (req, res, next) => {
    if (!fromThisMachine(req)) return next(forbidden('The development outbox is only served to this machine (loopback).', 'outbox_local_only'));
    const to = typeof req.query.to === 'string' ? req.query.to : undefined;
    const mails = outbox.list({ to, limit: 50 });
    if (req.accepts(['html', 'json']) === 'html') {
      const base = publicUrl ?? `${req.protocol}://${req.get('host')}`;
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
      return res.type('html').send(page(mails, base));
    }
    res.json({ data: mails });
  });
  return router;
}
