import type { PermissionsOf } from '../../core/auth/permissions.js';
import type { IdKindsOf } from '../../core/ids.js';
import { onWakeUp } from '../../core/db/wake-up.js';
import { OUTBOX_CHANNEL } from '../../core/events/record.js';
import { defineModule } from '../../core/module.js';
import { Migration20261202000002_audit_pending } from '../../migrations/Migration20261202000002_audit_pending.js';
import { auditEvents } from './audit.events.js';
import { deleteExpiredEntries, dropExpiredExportFiles } from './audit.repository.js';
import { sealAll } from './audit.sealer.js';
import { AuditService, EXPORT_QUEUE } from './audit.service.js';

const SEAL_POLL_MS = 1000;
const SEAL_GATHER_MS = 100;

const ids = { auditExport: 'aex' };
const permissions = {
  'audit_logs:read': { description: 'Read, verify and export the audit log.', grants: ['owner', 'admin'] },
} as const;

declare module '../../core/ids.js' {
  interface IdKinds extends IdKindsOf<typeof ids> {}
}
declare module '../../core/auth/permissions.js' {
  interface Permissions extends PermissionsOf<typeof permissions> {}
}

export const auditModule = defineModule({
  name: 'audit',
  ids,
  permissions,
  tags: [{ name: 'Audit logs', description: 'The tamper-evident record of every change: listing, verification and exports.' }],
  tenantTables: ['audit_logs', 'audit_chain_heads', 'audit_exports'],
  events: auditEvents,
  migrations: [{ name: 'Migration20261202000002_audit_pending', class: Migration20261202000002_audit_pending }],
  services: (deps) => ({ audit: new AuditService(deps) }),
  queues: () => ({
    [EXPORT_QUEUE]: {
      retryLimit: 3,
      retryDelay: 5,
      retryBackoff: true,
      retryDelayMax: 3600,
      deleteAfterSeconds: 24 * 3600,
      notify: true,
      expireInSeconds: 3600,
    },
  }),
  async worker({ deps, boss, pool, ownerUrl }) {
    const audit = new AuditService(deps);
    // Entries are written pending; this seals them into their tenant's chain within a second of commit,
    // gathering the commits of 100 ms into one pass (reads seal for themselves, so nobody waits on it).
    const sealer = await onWakeUp(
      { url: ownerUrl, channel: OUTBOX_CHANNEL, pollMs: SEAL_POLL_MS, gatherMs: SEAL_GATHER_MS, log: deps.log, what: 'audit sealing' },
      () => sealAll(deps, pool),
    );
    await boss.work<{ exportId: string; tenantId: string }>(EXPORT_QUEUE, { pollingIntervalSeconds: 1 }, async ([job]) => {
      try {
        await audit.runExport(job!.data.tenantId, job!.data.exportId);
      } catch (err) {
        deps.log.error({ err: String(err), export_id: job!.data.exportId }, 'audit export failed');
        await audit.failExport(job!.data.tenantId, job!.data.exportId, 'The export failed; create a new one.');
      }
    });
    return { relayNow: sealer.now, stop: sealer.stop };
  },
  retention: async (pool) => ({ auditLogs: await deleteExpiredEntries(pool), exports: await dropExpiredExportFiles(pool) }),
});

export type AuditServices = { audit: AuditService };
