// The local outbox: without provider credentials, messages are stored in the database instead of
// sent, so `npm start` works end to end for a newcomer (`npm run outbox`, GET /api/outbox read them).
import { inArray, sql } from 'drizzle-orm';
import type { Clock } from '../core/clock.js';
import type { Providers } from '../core/delivery/providers.js';
import type { Db } from '../db/client.js';
import { outbox } from '../db/schema.js';

export function outboxProviders(db: Db, clock: Clock): Providers {
  return {
    email: {
      name: 'outbox',
      batchSize: 500,
      async sendBatch(messages) {
        const rows = await db
          .insert(outbox)
          .values(
            messages.map((m) => ({
              deliveryId: m.deliveryId,
              batchId: m.batchId,
              channel: 'email' as const,
              recipient: m.fromName ? `${m.to} (from ${m.fromName})` : m.to,
              subject: m.subject,
              textBody: m.textBody,
              htmlBody: m.htmlBody,
              headers: { 'List-Unsubscribe': `<${m.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
              createdAt: clock.now(),
            })),
          )
          .returning({ id: outbox.id });
        return rows.map((r) => ({ status: 'sent', providerMessageId: `outbox-${r.id}` }) as const);
      },
      async findSent(batchId) {
        const rows = await db.all<{ delivery_id: number; id: number }>(sql`SELECT delivery_id, id FROM outbox WHERE batch_id = ${batchId}`);
        return new Map(rows.map((r) => [r.delivery_id, `outbox-${r.id}`]));
      },
    },
    sms: {
      name: 'outbox',
      async send(m) {
        const [row] = await db
          .insert(outbox)
          .values({ deliveryId: m.deliveryId, batchId: m.batchId, channel: 'sms', recipient: m.to, textBody: m.body, createdAt: clock.now() })
          .returning({ id: outbox.id });
        return { status: 'sent', providerMessageId: `outbox-${row!.id}` };
      },
      async findSent(lookups) {
        if (lookups.length === 0) return new Map();
        const rows = await db
          .select({ deliveryId: outbox.deliveryId, id: outbox.id })
          .from(outbox)
          .where(inArray(outbox.deliveryId, lookups.map((l) => l.deliveryId)));
        return new Map(rows.map((r) => [r.deliveryId, `outbox-${r.id}`]));
      },
    },
  };
}
